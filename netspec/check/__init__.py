"""The checker: nodes in, a CheckedSpec out, with every mistake collected at file:line:col.

checker and rules/ (names, shapes, labels, ranges, decisions, examples), model (the
checked spec), weights and vocabulary/vocabfile (the tables a spec reads from files,
headers checked before numbers), cost (what running and printing the spec would take,
refused before anything is allocated). Each operation's own shape rule is in ops/.
"""
