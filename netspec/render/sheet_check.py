"""Learner worksheets in, the script that makes one HTML file check its own answers out (`--interactive`).

Each box gets a field to type in; "Check my answers" marks each field right or wrong
against the key, which is the plan's numbers written into the page as JSON (the same
answers as the key file and `netspec grade`). The script compares, it computes nothing:
a number is right within TOLERANCE of the key's (the sheet says so), a decision when it
is the label in any letter case. The page needs nothing from elsewhere and works offline.
"""

from __future__ import annotations

import json

from netspec.render.escape import html_text as escape
from netspec.render.grade import TOLERANCE

SCRIPT = r"""
(() => {
  const keys = JSON.parse(document.getElementById('netspec-key').textContent);
  const tolerance = keys.tolerance;
  document.querySelectorAll('section.sheet').forEach(sheet => {
    sheet.querySelectorAll('.box[data-box]').forEach(box => {
      const field = document.createElement('input');
      field.className = 'answer'; field.setAttribute('aria-label', 'box ' + box.dataset.box);
      box.appendChild(field);
    });
  });
  const plain = text => text.replace(/\u2212/g, '-').replace(/[≈~\s]/g, '');
  const mark = (wanted, given) => {
    if (given.trim() === '') return 'missing';
    if (typeof wanted === 'string') return given.trim().toLowerCase() === wanted.toLowerCase() ? 'right' : 'wrong';
    const text = plain(given);
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return 'wrong';
    return Math.abs(Number(text) - wanted) <= tolerance + 1e-12 ? 'right' : 'wrong';
  };
  document.querySelectorAll('button.check').forEach(button => button.addEventListener('click', () => {
    const sheet = button.closest('section.sheet');
    const answers = keys.sheets[Number(sheet.dataset.sheet) - 1];
    let right = 0, total = 0;
    sheet.querySelectorAll('.box[data-box]').forEach(box => {
      const got = mark(answers[box.dataset.box], box.querySelector('input').value);
      box.dataset.mark = got; right += got === 'right'; total += 1;
    });
    sheet.querySelector('.score').textContent = button.dataset.score.replace('{right}', right).replace('{total}', total);
  }));
})();
"""

STYLE = """
input.answer { width: 100%; height: 100%; border: 0; background: transparent; font-size: 12pt; text-align: center; }
.box[data-mark=right] { background: #e3f9e5; } .box[data-mark=wrong] { background: #ffe3e3; }
button.check { font-size: 12pt; margin: 4mm 0; padding: 1mm 4mm; }
@media print { button.check, .score { display: none; } }
"""


def self_check(sheets, words) -> list[str]:
    """The key as JSON, a check button and score line under each sheet (placed by the script), and the script."""
    key = {"tolerance": TOLERANCE,
           "sheets": [{str(box.number): (box.answer if isinstance(box.answer, str) else float(box.answer))
                       for box in sheet.boxes} for sheet in sheets]}
    text = json.dumps(key, ensure_ascii=False).replace("</", "<\\/")
    score = words("grade.score", right="{right}", total="{total}")
    told = words("grade.tolerance", tolerance=f"{TOLERANCE:g}")
    placing = (f"document.querySelectorAll('section.sheet').forEach(s => s.insertAdjacentHTML('beforeend', "
               f"{json.dumps(_controls(words, score, told))}));")
    return [f"<style>{STYLE}</style>", f'<script type="application/json" id="netspec-key">{text}</script>',
            f"<script>{placing}{SCRIPT}</script>"]


def _controls(words, score: str, told: str) -> str:
    return (f'<button class="check" data-score="{escape(score)}">{escape(words("serve.check"))}</button> '
            f'<span class="score"></span><p class="told">{escape(told)}</p>')
