# Runs the cells named in CELLS (ids from `--plan --plan-format ids`) as separate processes of PROGRAM with OPTIONS;
# make's -j decides how many run at once. Each cell's standard error goes to its own log, shown when it fails.
# Used by `make chapter3-cells`; a cell already in the cache returns at once.
LOGS ?= .cache/chapter3-cells/logs
TARGETS := $(addprefix cell/,$(CELLS))

.PHONY: all $(TARGETS)
all: $(TARGETS)

$(TARGETS): cell/%:
	@mkdir -p $(LOGS)
	@echo "cell $*: started"
	@$(PROGRAM) --cell $* $(OPTIONS) 2> $(LOGS)/$*.log || \
		{ tail -n 20 $(LOGS)/$*.log >&2; echo "cell $*: failed (log: $(LOGS)/$*.log)" >&2; exit 1; }
	@echo "cell $*: $$(tail -n 1 $(LOGS)/$*.log)"
