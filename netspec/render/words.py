"""Every fixed word of the classroom printouts, in English and Chinese, in one place.

The worksheet for learners (render/sheet*.py), its answer key, the grading report and the
classroom page take their words from here, so a translation is one table and a test
(tests/test_words.py) checks that every key exists in both. Labels, descriptions and
sentences written in a spec are never translated: they are shown as the spec wrote them.
JSON keys stay English in every language.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

EN = {
    # the worksheet's header
    "worksheet": "Worksheet",
    "sheet_of": "Sheet {n} of {total}",
    "name": "Name",
    "class": "Class",
    "date": "Date",
    "answer_key": "Answer key",
    "key_for": "Answer key for {sheet}",
    "score": "Score",
    # instructions, one per blank mode
    "instruction.products": "Multiply each number by the weight under it and write the answer in the box.",
    "instruction.sums": "Add up the numbers in each row and write the total in the box.",
    "instruction.outputs": "Work out each output of the network and write it in its box.",
    "instruction.all": ("Multiply each number by the weight under it and write the answer in the box. "
                        "Then add the answers in the row and write the total in the last box."),
    "instruction.round": "Write your answers with 2 decimal places.",
    "instruction.decide": "At the end, decide what the network says.",
    "instruction.carry": "A box marked with a name (like {name}) means: copy your answer for {name} from above.",
    # the parts of a sheet
    "inputs": "The numbers that go in",
    "input": "input",
    "value": "number",
    "meaning": "what it means",
    "step": "Step {n}",
    "number": "number",
    "times_weight": "× weight",
    "product": "= product",
    "add_up": "add up",
    "your": "your {name}",
    "plus_bias": "+ bias {value}",
    "decision": "Decision",
    "the_answer_is": "The answer is:",
    "largest_wins": "the largest output wins",
    "largest_last_wins": "the largest output at the last position wins",
    "no_decision": "none: the output numbers are the answer",
    "sign_rule": "{first} if the output is positive, otherwise {second}",
    "given": "given",
    "box": "box",
    "answer": "answer",
    # plain words for each kind of step (OpDef.kind); a kind missing here is shown as written
    "kind.weighted sum": "multiply and add",
    "kind.activation": "change each number by a rule",
    "kind.attention": "let the words look at each other",
    "kind.normalisation": "make the numbers the same size",
    "kind.position": "add where each word stands",
    "kind.embedding": "turn each word into numbers",
    "kind.combination": "put numbers together",
    "kind.selection": "pick some numbers",
    "kind.regularisation": "switch some numbers off",
    "kind.folded": "multiply the two tables, then multiply and add once",
    "step_title": "{kind}: {source} → {value}",
    # the teacher's printout (text, Markdown, HTML, LaTeX); English as it always was
    "t.header": "numbers shown to {digits} decimal places; {approx} marks a rounded number",
    "t.network": "Network",
    "t.col.value": "value",
    "t.col.operation": "operation",
    "t.col.shape": "shape",
    "t.col.parameters": "parameters",
    "t.col.spec_line": "spec line",
    "t.col.input": "input",
    "t.col.meaning": "meaning",
    "t.bias": "bias",
    "t.input": "Input",
    "t.worksheet": " · worksheet",
    "t.decision": "Decision",
    "t.example": "example {name}",
    "t.given_input": "the given input",
    "t.row": "row {n}",
    "t.more": "… {n} more",
    "t.tokenized": "tokenized by {name}",
    "t.all_terms": "(all {n} terms added)",
    "t.all_terms_bias": "(all {n} terms and the bias added)",
    "t.rounded_terms": "(the shown terms are rounded; added as shown they give {total})",
    "t.tie": "(a tie: the output listed first wins)",
    "t.mismatch": "example {name} expects {expected}, but the network decides {decided} (netspec check says more)",
    "t.inputs": "{n} inputs",
    "t.weights": "{n} weights",
    "t.biases": "{n} biases",
    "t.no_bias": "no bias",
    "t.vectors": "{n} in vectors",
    "t.no_activation": "no activation",
    "d.positive": "+ positive weight",
    "d.negative": "− negative weight (dashed)",
    "d.thicker": "thicker line: larger |weight|",
    "d.added_to": "added to {label}",
    "d.grid": "{weights}: a row per {value} neuron, a column per {source} neuron",
    "d.residual": "{formula}: {source} is added neuron by neuron (a residual connection)",
    "d.attention_weights": "{value}: attention weights",
    "d.padding_left_out": "padding, not drawn: {positions}",
    "t.copies": "the steps {first} … {last} again, as copies 2 to {count}, each with its own tables",
    "t.copies_params": "{n} ({copies} copies)",
    "t.copies_line": "copies 2 to {count} of the same steps, to {last}",
    "t.copy": "the steps {first} … {last} again, with their own tables",
    "t.copy_params": "{n} (1 copy)",
    "t.copy_line": "the same steps again, to {last}",
    "t.brief": "Steps {first}–{last} in short: the first numbers of each value and its last",
    "t.col.numbers": "numbers",
    "m.unit": "{description} in {unit}",
    "m.range": "{low} to {high}",
    "m.at_least": "at least {low}",
    "m.at_most": "at most {high}",
    # grading
    "grade.right": "right",
    "grade.wrong": "wrong",
    "grade.missing": "not answered",
    "grade.expected": "expected",
    "grade.given": "given",
    "grade.what": "what",
    "grade.mark": "mark",
    "grade.tolerance": "An answer is right when it is within {tolerance} of the true number",
    "grade.score": "score {right} of {total}",
    # the classroom page
    "serve.title": "Try it: change a number",
    "serve.check": "Check my answers",
    "serve.bad_number": "{field}: \u201c{text}\u201d is not a number",
    "serve.inputs": "Inputs",
    "serve.weights": "Weights",
    "serve.mode_explore": "Explore",
    "serve.mode_worksheet": "Worksheet",
}

ZH = {
    "worksheet": "练习单",
    "sheet_of": "第 {n} 张，共 {total} 张",
    "name": "姓名",
    "class": "班级",
    "date": "日期",
    "answer_key": "答案",
    "key_for": "{sheet} 的答案",
    "score": "得分",
    "instruction.products": "把每个数乘以它下面的权重，把结果写在方框里。",
    "instruction.sums": "把每一行的数加起来，把总和写在方框里。",
    "instruction.outputs": "算出网络的每个输出，写在对应的方框里。",
    "instruction.all": "把每个数乘以它下面的权重，把结果写在方框里。然后把这一行的结果加起来，总和写在最后一个方框里。",
    "instruction.round": "答案保留 2 位小数。",
    "instruction.decide": "最后，判断网络给出的结论。",
    "instruction.carry": "写着名字的方框（比如 {name}）表示：把你上面算出的 {name} 抄过来。",
    "inputs": "输入的数",
    "input": "输入",
    "value": "数值",
    "meaning": "含义",
    "step": "第 {n} 步",
    "number": "数",
    "times_weight": "× 权重",
    "product": "= 乘积",
    "add_up": "加起来",
    "your": "你的 {name}",
    "plus_bias": "+ 偏置 {value}",
    "decision": "结论",
    "the_answer_is": "答案是：",
    "largest_wins": "最大的输出获胜",
    "largest_last_wins": "最后一个位置上最大的输出获胜",
    "no_decision": "无：输出的数字就是答案",
    "sign_rule": "输出为正时是 {first}，否则是 {second}",
    "given": "已给出",
    "box": "方框",
    "answer": "答案",
    "kind.weighted sum": "乘了再加",
    "kind.activation": "按规则改变每个数",
    "kind.attention": "让词语互相看一看",
    "kind.normalisation": "把数调成一样的大小",
    "kind.position": "加上每个词的位置",
    "kind.embedding": "把每个词变成数",
    "kind.combination": "把数合在一起",
    "kind.selection": "挑出一些数",
    "kind.regularisation": "关掉一些数",
    "kind.folded": "先把两张表相乘，再乘了再加一次",
    "step_title": "{kind}：{source} → {value}",
    "t.header": "数字显示到小数点后 {digits} 位；{approx} 表示经过四舍五入",
    "t.network": "网络",
    "t.col.value": "值",
    "t.col.operation": "运算",
    "t.col.shape": "形状",
    "t.col.parameters": "参数",
    "t.col.spec_line": "规格行",
    "t.col.input": "输入",
    "t.col.meaning": "含义",
    "t.bias": "偏置",
    "t.input": "输入",
    "t.worksheet": " · 练习单",
    "t.decision": "结论",
    "t.example": "例子 {name}",
    "t.given_input": "给定的输入",
    "t.row": "第 {n} 行",
    "t.more": "… 另有 {n} 个",
    "t.tokenized": "按 {name} 切分",
    "t.all_terms": "（{n} 项全部相加）",
    "t.all_terms_bias": "（{n} 项和偏置全部相加）",
    "t.rounded_terms": "（显示的各项是四舍五入后的；照显示的数相加得 {total}）",
    "t.tie": "（平局：先列出的输出获胜）",
    "t.mismatch": "例子 {name} 期望 {expected}，但网络判定为 {decided}（netspec check 会说明更多）",
    "t.inputs": "{n} 个输入",
    "t.weights": "{n} 个权重",
    "t.biases": "{n} 个偏置",
    "t.no_bias": "无偏置",
    "t.vectors": "向量中 {n} 个",
    "t.no_activation": "无激活函数",
    "d.positive": "+ 正权重",
    "d.negative": "− 负权重（虚线）",
    "d.thicker": "线越粗：|权重| 越大",
    "d.added_to": "加到 {label} 上",
    "d.grid": "{weights}：每行是 {value} 的一个神经元，每列是 {source} 的一个神经元",
    "d.residual": "{formula}：{source} 逐个神经元加回来（残差连接）",
    "d.attention_weights": "{value}：注意力权重",
    "d.padding_left_out": "填充位置，未画出：{positions}",
    "t.copies": "{first} … {last} 这几步的第 2 到 {count} 份，每份用自己的表",
    "t.copies_params": "{n} ({copies} 份)",
    "t.copies_line": "同样的步骤第 2 到 {count} 份，到 {last}",
    "t.copy": "{first} … {last} 这几步再来一份，用自己的表",
    "t.copy_params": "{n} (1 份)",
    "t.copy_line": "同样的步骤再来一份，到 {last}",
    "t.brief": "第 {first}–{last} 步（简略）：每个值的前几个数和最后一个",
    "t.col.numbers": "数值",
    "m.unit": "{description}（单位：{unit}）",
    "m.range": "{low} 到 {high}",
    "m.at_least": "至少 {low}",
    "m.at_most": "至多 {high}",
    "grade.right": "对",
    "grade.wrong": "错",
    "grade.missing": "未作答",
    "grade.expected": "正确答案",
    "grade.given": "所填答案",
    "grade.what": "内容",
    "grade.mark": "判定",
    "grade.tolerance": "答案与正确数相差不超过 {tolerance} 即算对",
    "grade.score": "得分 {right} / {total}",
    "serve.title": "动手试试：改一个数",
    "serve.check": "检查我的答案",
    "serve.bad_number": "{field}：“{text}”不是一个数",
    "serve.inputs": "输入",
    "serve.weights": "权重",
    "serve.mode_explore": "探索",
    "serve.mode_worksheet": "练习",
}

TABLES = {"en": EN, "zh": ZH}


class Words:
    """The words of one language: `words("step", n=2)` → "Step 2" or "第 2 步"."""

    def __init__(self, lang: str = "en"):
        if lang not in TABLES:
            raise ValueError(f"no words for language {lang!r}; there are {', '.join(LANGUAGES)}")
        self.lang, self.table = lang, TABLES[lang]

    def __call__(self, key: str, **fields) -> str:
        text = self.table[key]
        return text.format(**fields) if fields else text

    def row(self, row_id: str) -> str:
        """What a printout calls a row: `example leaf`, `the given input` or `row 3` in the words' language (the
        row's id stays English in JSON and grading; the example's name as the spec wrote it)."""
        if row_id.startswith("example "):
            return self("t.example", name=row_id.removeprefix("example "))
        if row_id == "the given input":
            return self("t.given_input")
        number = row_id.removeprefix("row ")
        return self("t.row", n=number) if row_id.startswith("row ") and number.isdigit() else row_id

    def kind(self, kind: str) -> str:
        """A step's kind in plain words; one this table does not know is shown as the operation names it."""
        return self.table.get(f"kind.{kind}", kind)


def meaning(info, words: Words, minus: str = "\u2212") -> str:
    """An input's meaning in the words' language: `red part of the colour, 0 to 255`, `volume in ml, at least 0`;
    the description and unit as the spec wrote them."""
    def shown(x: float) -> str:
        return f"{x:g}".replace("-", minus)

    parts = [info.description or ""]
    if info.unit:
        parts[0] = words("m.unit", description=parts[0], unit=info.unit).strip()
    if info.low is not None and info.high is not None:
        parts.append(words("m.range", low=shown(info.low), high=shown(info.high)))
    elif info.low is not None:
        parts.append(words("m.at_least", low=shown(info.low)))
    elif info.high is not None:
        parts.append(words("m.at_most", high=shown(info.high)))
    return ("，" if words.lang == "zh" else ", ").join(p for p in parts if p)


def width(text: str) -> int:
    """Columns `text` takes in a terminal: a Chinese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    """`text` padded with spaces to `columns` terminal columns (str.ljust counts characters)."""
    return text + " " * max(columns - width(text), 0)


ENGLISH = Words("en")
