"""The page `netspec serve` shows: the inputs and weights to change, the printout or the worksheet beside them.

Its script only sends the typed numbers to the server and shows what comes back (the
printout, the marks, a message): every number on the page is computed by netspec's plan
on the server (netspec/serve.py), none in JavaScript.
"""

from __future__ import annotations

SCRIPT = r"""
const state = () => {
  const inputs = {}, weights = {};
  document.querySelectorAll('[data-input]').forEach(e => inputs[e.dataset.input] = e.value);
  document.querySelectorAll('[data-weight]').forEach(e => { if (e.value !== e.defaultValue) weights[e.dataset.weight] = e.value; });
  return {inputs, weights};
};
const say = text => { document.getElementById('message').textContent = text || ''; };
async function ask(path, body) {
  const answer = await fetch(path, {method: 'POST', body: JSON.stringify(body)});
  return answer.json();
}
let mode = 'explore';
async function update() {
  const got = await ask(mode === 'explore' ? '/printout' : '/sheet', state());
  if (got.error) { say(got.error); return; }
  say('');
  const view = document.getElementById('view');
  view.innerHTML = got.html;
  if (mode === 'worksheet') {
    view.querySelectorAll('.box[data-box]').forEach(box => {
      const field = document.createElement('input');
      field.className = 'answer'; field.dataset.box = box.dataset.box; field.setAttribute('aria-label', 'box ' + box.dataset.box);
      box.appendChild(field);
    });
  }
}
async function check() {
  const answers = {};
  document.querySelectorAll('input.answer').forEach(e => answers[e.dataset.box] = e.value);
  const got = await ask('/check', Object.assign(state(), {answers}));
  if (got.error) { say(got.error); return; }
  document.querySelectorAll('input.answer').forEach(e => {
    const box = e.parentElement;
    box.classList.remove('right', 'wrong', 'missing');
    box.classList.add(got.marks[e.dataset.box] || 'missing');
    box.dataset.mark = got.marks[e.dataset.box] || 'missing';
  });
  say(got.said);
}
document.querySelectorAll('[data-input],[data-weight]').forEach(e => e.addEventListener('change', update));
document.querySelectorAll('input[name=mode]').forEach(e => e.addEventListener('change', () => {
  mode = e.value; document.getElementById('check').hidden = mode !== 'worksheet'; update(); }));
document.getElementById('check').addEventListener('click', check);
update();
"""

STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; margin: 0; display: flex; }
aside { width: 19rem; padding: 1rem; border-right: 1px solid #cbd2d9; height: 100vh; overflow: auto; box-sizing: border-box; }
main { flex: 1; overflow: auto; height: 100vh; }
aside h2 { font-size: 1rem; margin: 1rem 0 0.4rem; }
aside label { display: flex; justify-content: space-between; gap: 0.5rem; margin: 0.2rem 0; font-size: 0.85rem; }
aside input { width: 6rem; }
#message { color: #b42318; min-height: 1.2rem; font-size: 0.9rem; }
input.answer { width: 100%; height: 100%; border: 0; background: transparent; font-size: 12pt; text-align: center; }
.box.right { background: #e3f9e5; } .box.wrong { background: #ffe3e3; }
"""


def page(session, escape, fields: dict) -> str:
    """`fields`: serve.weight_fields(spec), each weight a box to type in."""
    words, spec = session.words, session.spec

    inputs = "".join(f'<label>{escape(label)} <input data-input="{escape(label)}" value="{escape(value)}"></label>'
                     for label, value in session.start.items())
    weights = "".join(f'<label>{escape(field)} <input data-weight="{escape(field)}" '
                      f'value="{float(spec.params[name].array[index]):g}"></label>'
                      for field, (name, index) in fields.items())
    modes = "".join(f'<label><span>{escape(words(f"serve.mode_{m}"))}</span><input type="radio" name="mode" '
                    f'value="{m}"{" checked" if m == "explore" else ""}></label>' for m in ("explore", "worksheet"))
    title = spec.description or spec.name
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{"zh-Hans" if words.lang == "zh" else "en"}">',
        '<head><meta charset="utf-8">', f"<title>{escape(title)}</title>", f"<style>{STYLE}</style></head>",
        "<body>", "<aside>", f"<h1>{escape(words('serve.title'))}</h1>", modes,
        f'<button id="check" hidden>{escape(words("serve.check"))}</button>', '<p id="message" role="status"></p>',
        f"<h2>{escape(words('serve.inputs'))}</h2>", inputs, f"<h2>{escape(words('serve.weights'))}</h2>", weights,
        "</aside>", '<main id="view"></main>', f"<script>{SCRIPT}</script>", "</body></html>"]) + "\n"

