"""Paper size + provenance in, the HTML printout's style sheet out: screen, print (A4 or Letter) and worksheet boxes.

Only system fonts; nothing is fetched. In print every step starts a new page, and each
page carries the provenance line at its top and its page number at its bottom.
"""

from __future__ import annotations

from netspec.render.escape import css_string

PAGE = {"a4": "A4", "letter": "letter"}
MARGIN_FONT = "font: 7.5pt system-ui, sans-serif; color: #52606d;"

SCREEN = """
.netspec-printout { --pos: #1d5fbf; --neg: #c2410c; --ink: #1f2933; --muted: #52606d; --rule: #cbd2d9;
  --mark: #fff7e0; }
.netspec-printout, .netspec-printout * { box-sizing: border-box; }
.netspec-printout { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif;
  color: var(--ink); max-width: 62rem; margin: 0 auto; padding: 1.2rem 1.5rem 3rem; line-height: 1.45;
  font-variant-numeric: tabular-nums; }
.netspec-printout header.provenance { font-size: 0.8rem; color: var(--muted); border-bottom: 1px solid var(--rule);
  padding-bottom: 0.4rem; margin-bottom: 1rem; }
.netspec-printout h1 { font-size: 1.6rem; margin: 0 0 0.2rem; }
.netspec-printout h2 { font-size: 1.3rem; margin: 2rem 0 0.6rem; border-bottom: 2px solid var(--ink);
  padding-bottom: 0.2rem; }
.netspec-printout h3 { font-size: 1.1rem; margin: 1.6rem 0 0.6rem; }
.netspec-printout h3 .where, .netspec-printout .muted { color: var(--muted); font-weight: 400; font-size: 0.85rem; }
.netspec-printout code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.92em; }
.netspec-printout p.description { margin: 0 0 0.6rem; font-size: 1.05rem; }
.netspec-printout table { border-collapse: collapse; margin: 0.4rem 0 0.8rem; }
.netspec-printout th, .netspec-printout td { padding: 0.2rem 0.55rem; text-align: left; vertical-align: baseline; }
.netspec-printout table.summary th, .netspec-printout table.summary td,
.netspec-printout table.inputs th, .netspec-printout table.inputs td { border-bottom: 1px solid var(--rule); }
.netspec-printout table.weights { border: 1px solid var(--ink); }
.netspec-printout table.weights th, .netspec-printout table.weights td { border: 1px solid var(--rule);
  text-align: right; }
.netspec-printout table.weights thead th { background: #f0f4f8; }
.netspec-printout table.weights th[scope=row] { text-align: left; background: #f0f4f8; }
.netspec-printout table.weights td.x { background: #f8fafc; font-weight: 600; }
.netspec-printout table.weights tfoot th, .netspec-printout table.weights tfoot td {
  border-top: 2px solid var(--ink); font-weight: 700; }
.netspec-printout td.num, .netspec-printout th.num { text-align: right; }
.netspec-printout .positive { color: var(--pos); }
.netspec-printout .negative { color: var(--neg); }
.netspec-printout table.weights .focus { background: var(--mark); outline: 2px solid #b45309; }
.netspec-printout table.weights.grid { font-size: 0.68rem; }
.netspec-printout table.weights.grid th, .netspec-printout table.weights.grid td { padding: 0.05rem 0.2rem; }
.netspec-printout table.weights.grid td.w.positive { background: #e3edfb; }
.netspec-printout table.weights.grid td.w.negative { background: #fdeadf; }
.netspec-printout table.sum { margin: 0.3rem 0 0.9rem; }
.netspec-printout table.sum th { padding-right: 0.3rem; white-space: nowrap; }
.netspec-printout table.sum td { padding: 0.1rem 0.25rem; white-space: nowrap; text-align: center; }
.netspec-printout table.sum td.eq, .netspec-printout table.sum td.plus { color: var(--muted); padding: 0.1rem 0.15rem; }
.netspec-printout table.sum tr.names td { color: var(--muted); font-size: 0.85rem; }
.netspec-printout table.sum tr.total td.result { text-align: left; font-weight: 700; }
.netspec-printout table.sum.focus { background: var(--mark); outline: 2px solid #b45309; }
.netspec-printout .note { color: var(--muted); font-weight: 400; font-size: 0.85rem; }
.netspec-printout p.chain, .netspec-printout p.value, .netspec-printout p.preamble { margin: 0.25rem 0; }
.netspec-printout p.chain.focus { background: var(--mark); }
.netspec-printout ul.values { list-style: none; padding: 0; margin: 0.3rem 0; display: flex; flex-wrap: wrap;
  gap: 0.3rem 1.6rem; }
.netspec-printout figure.diagram { margin: 1rem 0; overflow-x: auto; }
.netspec-printout figure.diagram svg { width: 100%; max-width: 100%; height: auto; }
.netspec-printout section.decision { margin-top: 1.5rem; padding: 0.6rem 0.9rem; border: 2px solid #15803d;
  border-radius: 6px; background: #f3fbf6; }
.netspec-printout section.decision p { margin: 0.2rem 0; }
.netspec-printout section.decision .sentence { font-size: 1.15rem; font-weight: 700; }
.netspec-printout section.decision .mismatch { color: #b91c1c; font-weight: 700; }
.netspec-printout .box { display: inline-block; min-width: 4.2em; height: 1.35em; border: 1.2px solid var(--ink);
  border-radius: 2px; vertical-align: -0.3em; background: #fff; }
.netspec-printout table.weights .box { min-width: 3.6em; }
.netspec-printout section.answer-key h2 { border-bottom-style: double; }
.netspec-printout table.brief { font-size: 0.78rem; }
.netspec-printout table.brief th, .netspec-printout table.brief td { padding: 0.05rem 0.45rem; white-space: nowrap;
  border-bottom: 1px solid var(--rule); }
.netspec-printout.in-brief table.summary { font-size: 0.72rem; }
.netspec-printout.in-brief table.summary th, .netspec-printout.in-brief table.summary td { padding: 0.05rem 0.4rem;
  white-space: nowrap; }
.netspec-printout footer { margin-top: 2rem; font-size: 0.8rem; color: var(--muted); border-top: 1px solid var(--rule);
  padding-top: 0.4rem; }
"""

PRINT = """
@media print {
  body { margin: 0; }
  .netspec-printout { max-width: none; padding: 0; font-size: 10pt; }
  .netspec-printout header.provenance, .netspec-printout footer { display: none; }
  .netspec-printout section.step, .netspec-printout section.answer-key { break-before: page; }
  .netspec-printout section.answer-key section.step { break-before: auto; }
  .netspec-printout table, .netspec-printout figure.diagram, .netspec-printout section.decision,
  .netspec-printout p.chain { break-inside: avoid; }
  .netspec-printout h2, .netspec-printout h3 { break-after: avoid; }
  .netspec-printout.in-brief section.step { break-before: auto; }  /* a large network in brief: two pages, not 79 */
  .netspec-printout.in-brief table.summary, .netspec-printout table.brief { break-inside: auto; }
  .netspec-printout figure.diagram { overflow: visible; }
  .netspec-printout * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def style_sheet(paper: str, provenance: str, page: bool = True) -> str:
    """The CSS of a page (the provenance line heads every printed page), or of a fragment for a notebook."""
    if not page:
        return SCREEN
    page = (f"@page {{ size: {PAGE[paper]}; margin: 17mm 14mm 15mm;\n"
            f"  @top-left {{ content: {css_string(provenance)}; {MARGIN_FONT} }}\n"
            f'  @bottom-right {{ content: "page " counter(page) " of " counter(pages); {MARGIN_FONT} }}\n}}\n')
    return SCREEN + PRINT + page

