/// Inline CSS for the generated pages: light and dark (prefers-color-scheme), print stays light.
enum Style {
    static let common = #"""
:root {
  color-scheme: light dark;
  --bg: #fcfcfa; --fg: #1b1c1e; --muted: #63656b; --accent: #1d5fa6; --rule: #d6d7db; --soft: #f1f2f4;
  --ph-bg: #fff7e0; --ph-fg: #6b4e00; --ph-border: #d9b036;
  --ok: #1a7f37; --near: #7d6200; --fail: #b42318; --diff: #7a3fc8; --skip: #5d646e; --yet: #5d646e;
  --ok-bg: #e6f4ea; --near-bg: #fbf3d5; --fail-bg: #fdecea; --diff-bg: #f1e9fb; --skip-bg: #eceef1; --yet-bg: #eceef1;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #17181b; --fg: #e4e5e8; --muted: #a2a5ad; --accent: #82b8ff; --rule: #393b41; --soft: #22242a;
    --ph-bg: #2e2715; --ph-fg: #f0d58a; --ph-border: #8f7428;
    --ok: #6fd08c; --near: #e6c557; --fail: #ff8a80; --diff: #c6a2ff; --skip: #aab1bb; --yet: #aab1bb;
    --ok-bg: #16301f; --near-bg: #332b10; --fail-bg: #3a1a18; --diff-bg: #2a1f3d; --skip-bg: #26292e; --yet-bg: #26292e;
  }
  figure img { background: #ffffff; border-radius: 4px; }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font-family: "Latin Modern Roman", "CMU Serif", "STIX Two Text", "Libertinus Serif", Georgia, "DejaVu Serif", serif;
  font-size: 18px; line-height: 1.55; font-kerning: normal; text-rendering: optimizeLegibility;
}
math {
  font-family: "Embedded LM Math", "Latin Modern Math", "STIX Two Math", "Cambria Math", "DejaVu Math TeX Gyre", math;
  font-size: 1.08em;
}
math[display="block"] { display: block math; margin: 0.6em 0; overflow-x: auto; overflow-y: hidden; padding: 0.1em 0; }
.equation { display: flex; align-items: center; gap: 1em; margin: 0.8em 0; }
.equation math[display="block"] { flex: 1 1 auto; margin: 0; }
.eqno { flex: 0 0 auto; color: var(--muted); font-variant-numeric: tabular-nums; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font-family: "Latin Modern Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.86em; }
code { background: var(--soft); padding: 0.05em 0.3em; border-radius: 3px; }
pre { background: var(--soft); padding: 0.8em 1em; border-radius: 6px; overflow-x: auto; line-height: 1.4; }
pre code { background: none; padding: 0; font-size: 1em; }
blockquote { margin: 1em 0; padding: 0.2em 1em; border-left: 3px solid var(--rule); color: var(--muted); }
hr { border: 0; border-top: 1px solid var(--rule); margin: 2em 0; }
.table-wrap { overflow-x: auto; margin: 0.8em 0 1.2em; }
table { border-collapse: collapse; font-size: 0.88em; line-height: 1.35; }
th, td { padding: 0.3em 0.7em; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid var(--fg); font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.small { font-size: 0.85em; color: var(--muted); }
figure { margin: 1.4em 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption, .table-caption { font-size: 0.9em; color: var(--fg); text-align: left; margin-top: 0.4em; }
.table-caption { margin: 0 0 0.3em; }
figcaption .label, .table-caption .label { font-weight: 700; }
.placeholder {
  border: 2px dashed var(--ph-border); background: var(--ph-bg); color: var(--ph-fg); border-radius: 6px;
  padding: 1.6em 1em; text-align: center; font-style: italic;
}
.not-run code, .placeholder code { font-style: normal; }
.not-run { color: var(--ph-fg); }
.status { border-radius: 6px; padding: 0.6em 0.9em; margin: 0.6em 0 1.4em; font-size: 0.92em; }
.not-run-banner { border: 2px dashed var(--ph-border); background: var(--ph-bg); color: var(--ph-fg); }
.ran-banner { border: 1px solid var(--ok); background: var(--ok-bg); }
.warning { border: 1px solid var(--fail); background: var(--fail-bg); border-radius: 6px; padding: 0.6em 0.9em; }
.muted { color: var(--muted); }
.cite a { color: var(--accent); }
.pill { display: inline-block; border-radius: 999px; padding: 0.05em 0.6em; font-size: 0.85em; white-space: nowrap; }
.v-ok { color: var(--ok); background: var(--ok-bg); }
.v-near { color: var(--near); background: var(--near-bg); }
.v-fail { color: var(--fail); background: var(--fail-bg); }
.v-diff { color: var(--diff); background: var(--diff-bg); }
.v-skip { color: var(--skip); background: var(--skip-bg); }
.v-yet { color: var(--yet); background: var(--yet-bg); }
ol.references { padding-left: 2.2em; }
ol.references li { margin: 0.3em 0; }
"""#

    static let dissertation = #"""
body { max-width: 48rem; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
h1, h2, h3, h4 { line-height: 1.25; font-weight: 600; }
h1 { font-size: 1.9em; margin: 0 0 0.6em; }
h2 { font-size: 1.35em; margin: 1.8em 0 0.5em; }
h3 { font-size: 1.12em; margin: 1.4em 0 0.4em; }
.chapno { display: block; font-size: 0.55em; font-weight: 400; letter-spacing: 0.08em; text-transform: uppercase;
  color: var(--muted); margin-bottom: 0.2em; }
.secno { color: var(--muted); margin-right: 0.35em; font-variant-numeric: tabular-nums; }
.part { margin-top: 4rem; padding-top: 1.5rem; border-top: 1px solid var(--rule); }
.title-page { padding: 3rem 0 2rem; }
.title-page .kicker { text-transform: uppercase; letter-spacing: 0.12em; color: var(--muted); font-size: 0.85em; margin: 0; }
.title-page .title { font-size: 2.4em; margin: 0.3em 0 0.5em; }
.title-page .subtitle { font-size: 1.1em; }
.title-page .meta { color: var(--muted); font-size: 0.92em; }
.chapter-status { display: grid; gap: 0.3em; margin: 1.2em 0; font-size: 0.95em; }
.audit-summary { display: flex; flex-wrap: wrap; gap: 0.4em; align-items: center; margin: 0.5em 0; }
.audit-summary .what { font-weight: 600; min-width: 9em; }
.audit-rule { font-size: 0.9em; color: var(--muted); }
table.audit td:first-child { min-width: 12em; }
table.provenance th { width: 9em; font-weight: 600; }
table.provenance ul { margin: 0; padding-left: 1.2em; }
nav.toc ol { list-style: none; padding: 0; }
nav.toc li { margin: 0.15em 0; }
nav.toc .toc-l1 { font-weight: 600; margin-top: 0.6em; }
nav.toc .toc-l2 { padding-left: 2.2em; }
nav.toc .toc-l3 { padding-left: 4.4em; font-size: 0.95em; }
nav.toc .tocno { display: inline-block; min-width: 2.4em; color: var(--muted); font-variant-numeric: tabular-nums; }
nav.toc a { color: var(--fg); }
@page { size: A4; margin: 20mm 18mm 22mm; @bottom-center { content: counter(page); font-size: 9pt; color: #555; } }
@media print {
  :root {
    color-scheme: light;
    --bg: #ffffff; --fg: #000000; --muted: #555555; --accent: #1d4f8a; --rule: #bbbbbb; --soft: #f3f3f3;
    --ph-bg: #fff7e0; --ph-fg: #5a4300; --ph-border: #c9a227;
    --ok: #1a7f37; --near: #7d6200; --fail: #b42318; --diff: #7a3fc8; --skip: #5d646e; --yet: #5d646e;
    --ok-bg: #e6f4ea; --near-bg: #fbf3d5; --fail-bg: #fdecea; --diff-bg: #f1e9fb; --skip-bg: #eceef1; --yet-bg: #eceef1;
  }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .part { break-before: page; border-top: 0; margin-top: 0; padding-top: 0; }
  nav.toc { break-before: page; }
  h1, h2, h3 { break-after: avoid; }
  figure, .equation, tr, .status, .numbered-table { break-inside: avoid; }
  a { color: inherit; }
  figure img { background: none; }
  .table-wrap { overflow: visible; }
  details > summary { display: none; }
}
"""#

    /// A slide's layout, in slide pixels: `--u` is one pixel of a 1280 × 720 slide, so the same rules draw the
    /// screen deck scaled to the window, the printed deck at 1280 × 720 and the handout's half-size copies.
    static let talk = #"""
body.deck, body.handout { margin: 0; --u: 1px; }
section.slide {
  width: calc(1280 * var(--u)); height: calc(720 * var(--u)); position: relative; overflow: hidden;
  padding: calc(56 * var(--u)) calc(80 * var(--u)) calc(70 * var(--u));
  background: var(--bg); color: var(--fg); font-size: calc(30 * var(--u)); line-height: 1.38;
}
.slide-body { height: 100%; overflow: hidden; display: flex; flex-direction: column; }
.slide-body > * { flex: none; }
.slide h1 { font-size: calc(64 * var(--u)); line-height: 1.1; margin: 0 0 calc(28 * var(--u)); }
.slide h2 { font-size: calc(46 * var(--u)); line-height: 1.15; margin: 0 0 calc(26 * var(--u)); color: var(--accent); }
.slide h3 { font-size: calc(36 * var(--u)); margin: 0 0 calc(18 * var(--u)); }
.slide p { margin: 0 0 calc(18 * var(--u)); }
.slide ul, .slide ol { margin: 0 0 calc(18 * var(--u)); padding-left: 1.2em; }
.slide li { margin: 0 0 calc(10 * var(--u)); }
.slide .equation { margin: calc(14 * var(--u)) 0; }
.slide math[display="block"] { font-size: 1.05em; }
/* A figure takes whatever height the text above it leaves, so it never runs off the slide. */
.slide figure { margin: calc(10 * var(--u)) 0; flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; align-items: center; }
.slide figure img { flex: 1 1 0; min-height: 0; max-width: 100%; object-fit: contain; }
.slide figure figcaption { flex: none; }
.slide .placeholder { padding: calc(60 * var(--u)) calc(20 * var(--u)); }
.slide table { font-size: calc(22 * var(--u)); }
.slide th, .slide td { padding: 0.2em 0.7em; }
/* A run table's caption is the full statement of what was run: for the handout and a close reader. */
.slide .table-caption { font-size: calc(14 * var(--u)); line-height: 1.35; }
.slide ol.references { font-size: calc(22 * var(--u)); }
.title-slide .slide-body { display: flex; flex-direction: column; justify-content: center; }
.title-slide h1 { font-size: calc(72 * var(--u)); }
.slide footer {
  position: absolute; left: calc(80 * var(--u)); right: calc(80 * var(--u)); bottom: calc(22 * var(--u));
  display: flex; justify-content: space-between; font-size: calc(15 * var(--u)); color: var(--muted);
  border-top: 1px solid var(--rule); padding-top: calc(8 * var(--u));
}
.slide footer code { font-size: calc(14 * var(--u)); }
aside.notes { display: none; }
@media print {
  :root { color-scheme: light; --bg: #ffffff; --fg: #111111; --muted: #555555; --accent: #1d4f8a; --rule: #cccccc; --soft: #f3f3f3;
    --ph-bg: #fff7e0; --ph-fg: #5a4300; --ph-border: #c9a227; }
  figure img { background: none; }
}
"""#

    /// The screen deck: one slide per window, scaled to fit it, snapping from slide to slide (Page Up/Down, the
    /// arrow keys and space scroll to the next snap point), a progress bar driven by the scroll position; no
    /// script. Printed, one slide per 1280 × 720 page.
    static let deck = #"""
html:has(body.deck) { scroll-snap-type: y mandatory; scrollbar-width: none; }
body.deck { background: #50535a; --u: min(calc(100vw / 1280), calc(100vh / 720)); }
body.deck .slide-frame { height: 100vh; display: flex; align-items: center; justify-content: center;
  scroll-snap-align: start; scroll-snap-stop: always; }
body.deck section.slide { box-shadow: 0 4px 20px rgba(0,0,0,0.35); }
body.deck::before {
  content: ""; position: fixed; left: 0; top: 0; width: 100%; height: max(4px, calc(6 * var(--u))); z-index: 1;
  background: var(--accent); transform-origin: 0 0;
  animation: deck-progress linear both; animation-timeline: scroll(root block);
}
@keyframes deck-progress { from { transform: scaleX(calc(1 / var(--slides))); } to { transform: scaleX(1); } }
@page { size: 1280px 720px; margin: 0; }
@media print {
  html:has(body.deck) { scroll-snap-type: none; }
  body.deck { background: none; --u: 1px; }
  body.deck::before { display: none; }
  body.deck .slide-frame { height: auto; display: block; break-after: page; }
  body.deck section.slide { box-shadow: none; }
}
"""#

    /// The printed handout: two slides per A4 page, each above its speaker notes.
    static let handout = #"""
@page { size: A4; margin: 12mm; }
body.handout { --u: 0.46px; background: #ffffff; color: #111111; font-size: 10.5pt; line-height: 1.35; }
body.handout .slide-frame { height: 136mm; overflow: hidden; break-inside: avoid; }
body.handout .slide-frame:nth-child(2n) { break-after: page; }
body.handout section.slide { border: 1px solid #999999; margin: 0 auto; }
body.handout aside.notes { display: block; margin: 3mm 0 0; }
body.handout aside.notes p { margin: 0 0 0.4em; }
body.handout aside.notes .equation { margin: 0.3em 0; }
"""#
}
