// The studio page: builds each scene's form from the widget specs of /api/catalog, checks
// every change with /api/check (the command line's planning), previews and renders.
'use strict';

const $ = (selector) => document.querySelector(selector);
let catalog = null, scene = null, widgets = {}, checking = 0, timer = null, polling = null;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {method: 'POST', body: JSON.stringify(body),
                                             headers: {'content-type': 'application/json'}};
  const response = await fetch(path, options);
  const text = await response.text();
  try {
    return [response.status, JSON.parse(text)];
  } catch {  // not the app's JSON: a server error, a refusal in plain text
    return [response.status, {error: {field: null, message: `${response.status}: ${text}`}}];
  }
}

// One builder per widget kind: each returns {node, read} where read() gives the texts typed,
// nested like the widget (the server joins them into TOML text, as --set reads it).
const BUILD = {
  number(spec, value, label) {
    const input = element('input', {type: 'number', min: spec.min, max: spec.max,
                                    step: spec.step, 'aria-label': label});
    input.value = value;
    return {node: input, read: () => input.value};
  },
  expr(spec, value, label) {
    const input = element('input', {type: 'text', class: 'expr', spellcheck: 'false',
                                    'aria-label': label,
                                    placeholder: 'in ' + spec.variables.join(', ')});
    input.value = value;
    return {node: input, read: () => input.value};
  },
  select(spec, value, label) {
    const select = element('select', {'aria-label': label},
                           ...spec.options.map((o) => element('option', {value: o}, o)));
    select.value = value;
    return {node: select, read: () => select.value};
  },
  grid(spec, value, label) {
    const rows = value.map((row, i) => row.map((cell, j) =>
      BUILD.number(spec.cell, cell, `${label} [${i + 1}, ${j + 1}]`)));
    const table = element('table', {class: 'grid'}, ...rows.map((row) =>
      element('tr', {}, ...row.map((cell) => element('td', {}, cell.node)))));
    return {node: table, read: () => rows.map((row) => row.map((cell) => cell.read()))};
  },
  list(spec, value, label) {
    const box = element('div', {class: 'list'}), items = [];
    const add = element('button', {type: 'button'}, '+ add');
    const refresh = () => {
      add.hidden = spec.min === spec.max; add.disabled = items.length >= spec.max;
      for (const item of items) item.remove.disabled = items.length <= spec.min;
      for (const item of items) item.remove.hidden = spec.min === spec.max;
    };
    const push = (cells) => {
      const item = build(spec.item, cells, `${label} ${items.length + 1}`);
      const remove = element('button', {type: 'button', 'aria-label': 'remove'}, '−');
      const row = element('div', {class: 'list-item'}, item.node, remove);
      const entry = {item, remove, row};
      remove.onclick = () => { items.splice(items.indexOf(entry), 1); row.remove(); refresh();
                               changed(); };
      items.push(entry); box.insertBefore(row, add); refresh();
    };
    box.append(add);
    add.onclick = () => { push(blank(spec.item, items.length ? items.at(-1).item.read() : null));
                          changed(); };
    value.forEach(push);
    return {node: box, read: () => items.map((entry) => entry.item.read())};
  },
  optional(spec, value, label) {
    const none = element('input', {type: 'checkbox', 'aria-label': `${label}: none`});
    none.checked = value === null;
    const inner = build(spec.inner, value === null ? blank(spec.inner) : value, label);
    inner.node.hidden = none.checked;
    none.onchange = () => { inner.node.hidden = none.checked; };
    const node = element('div', {}, element('label', {}, none, ' none '), inner.node);
    return {node, read: () => (none.checked ? null : inner.read())};
  },
};

function build(spec, value, label) {
  return BUILD[spec.widget](spec, value, label);
}

// A starting value for a new list item or an emptied "none": the last item, or zeros (the
// identity for a square grid).
function blank(spec, last = null) {
  if (last !== null) return last;
  if (spec.widget === 'grid') {
    const rows = spec.rows ?? 1;
    return Array.from({length: rows}, (_, i) => Array.from({length: spec.cols}, (_, j) =>
      (spec.rows !== null && i === j ? '1' : '0')));
  }
  if (spec.widget === 'list') return Array.from({length: spec.min}, () => blank(spec.item));
  return spec.widget === 'select' ? spec.options[0] : (spec.widget === 'expr' ? 'x' : '0');
}

function values() {
  return Object.fromEntries(Object.entries(widgets).map(([name, w]) => [name, w.read()]));
}

function form() {
  return {scene: scene.id, quality: $('#quality').value, values: values()};
}

function showError(error) {
  for (const node of document.querySelectorAll('.field')) {
    const mine = error && error.field === node.dataset.field;
    node.classList.toggle('bad', Boolean(mine));
    node.querySelector('.error').textContent = mine ? error.message : '';
  }
  const placed = error && document.querySelector(`.field[data-field="${error.field}"]`);
  $('#general').textContent = error && !placed ? error.message : '';
  $('#preview-button').disabled = $('#render-button').disabled = Boolean(error);
}

function changed() {
  clearTimeout(timer);
  timer = setTimeout(check, 250);
}

// Check the form now; true when it passed (a click on Preview or Render checks first, so a
// change still waiting for its check is never sent unchecked).
async function check() {
  clearTimeout(timer);
  const mine = ++checking;
  const [, answer] = await api('/api/check', form());
  if (mine !== checking) return false;  // a later change is being checked
  showError(answer.error);
  if (answer.command !== undefined) {
    $('#command').textContent = answer.command;
    $('#toml').textContent = answer.toml;
  }
  document.body.dataset.checked = String(mine);
  return !answer.error;
}

function pick(id) {
  scene = catalog.sections.flatMap((s) => s.scenes).find((s) => s.id === id);
  for (const a of document.querySelectorAll('nav a')) {
    a.toggleAttribute('aria-current', a.dataset.scene === id);
  }
  $('#intro').hidden = true; $('#scene').hidden = false;
  $('#title').textContent = `${String(scene.number).padStart(2, '0')} ${scene.title}`;
  $('#summary').textContent = scene.summary;
  $('#sheets').replaceChildren(); $('#player').replaceChildren();
  $('#progress-box').hidden = true;
  widgets = {};
  $('#form').replaceChildren(...scene.fields.map((field) => {
    const widget = widgets[field.name] = build(field.spec, field.default, field.name);
    return element('div', {class: 'field', 'data-field': field.name},
                   element('label', {}, field.name), widget.node,
                   element('p', {class: 'allowed'}, field.allowed),
                   element('p', {class: 'help'}, field.help),
                   element('output', {class: 'error', role: 'alert'}));
  }));
  check();
}

async function preview() {
  if (!await check()) return;
  $('#preview-button').disabled = true;
  document.body.dataset.preview = 'drawing';
  $('#general').textContent = 'drawing the preview…';
  const [, answer] = await api('/api/preview', form());
  $('#general').textContent = '';
  $('#preview-button').disabled = false;
  document.body.dataset.preview = answer.error ? 'failed' : 'done';
  if (answer.error) return showError(answer.error);
  const stamp = Date.now();
  $('#sheets').replaceChildren(...answer.sheets.map((src) =>
    element('img', {src: `${src}?t=${stamp}`, alt: `preview of ${scene.id}: the end of every step`})));
}

async function render() {
  if (!await check()) return;
  const [status, answer] = await api('/api/render', form());
  if (answer.error) {
    if (status === 409) { $('#general').textContent = answer.error.message; return; }
    return showError(answer.error);
  }
  $('#player').replaceChildren();
  $('#progress-box').hidden = false;
  clearInterval(polling);
  const id = scene.id;
  polling = setInterval(() => poll(id), 250);
  show(answer.render);
}

async function poll(id) {
  const [, answer] = await api(`/api/render/${id}`);
  if (scene.id !== id) return;
  show(answer.render);
  if (!['queued', 'rendering'].includes(answer.render.state)) clearInterval(polling);
}

function show(r) {
  const bar = $('#progress');
  bar.max = Math.max(r.total, 1); bar.value = r.frames;
  const frames = r.total ? `${r.frames} of ${r.total} frames, ` : '';
  $('#status').textContent = r.state === 'failed' ? r.message
    : `${r.state}: ${frames}${r.elapsed.toFixed(1)} s`;
  document.body.dataset.render = r.state;
  if ((r.state === 'done' || r.state === 'cached') && !$('#player video')) {
    const folder = r.clip.split('/').slice(0, -2).join('/');
    $('#player').replaceChildren(
      element('video', {controls: '', preload: 'auto', poster: r.poster},
              element('source', {src: r.clip, type: 'video/mp4'}),
              element('track', {kind: 'captions', srclang: 'en', label: 'English',
                                default: '', src: r.captions})),
      element('p', {}, 'The variant is in the ',
              element('a', {href: `${folder}/index.html`, target: '_blank'}, 'gallery'), '.'));
  }
}

async function start() {
  [, catalog] = await api('/api/catalog');
  for (const section of catalog.sections) {
    $('#catalog').append(element('h2', {}, section.heading), element('ul', {},
      ...section.scenes.map((s) => element('li', {}, element('a', {href: `#${s.id}`,
        'data-scene': s.id}, `${String(s.number).padStart(2, '0')} ${s.title}`)))));
  }
  $('#catalog').addEventListener('click', (event) => {
    const link = event.target.closest('a[data-scene]');
    if (link) pick(link.dataset.scene);
  });
  $('#form').addEventListener('input', changed);
  $('#quality').addEventListener('change', changed);
  $('#preview-button').onclick = preview;
  $('#render-button').onclick = render;
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.onclick = () => navigator.clipboard.writeText($(`#${button.dataset.copy}`).textContent);
  }
  const wanted = location.hash.slice(1);
  if (wanted) pick(wanted);
  document.body.dataset.ready = 'yes';
}

start();
