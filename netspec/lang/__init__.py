"""The language: `.net` text in, frozen nodes with source positions out.

grammar (the one Lark parser, from grammars/netspec.lark), parser (the only place that
sees Lark's errors), transform and nodes (the tree as typed nodes), tablerows (plain table
rows read without a token per number), plaintables and inputranges (whole plain tables and
plain input lines built without Lark, which reads a short text), loader (a path, following
`use`), expand (`repeat` blocks written out), tidy (one layout for every spec).
"""
