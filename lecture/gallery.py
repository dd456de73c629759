"""The gallery page for instructors: ``media/lecture/<quality>/index.html``.

Built from the sidecars only. At the top the full lecture with its chapters; then, section
by section, every clip: poster, player with captions, title, what it shows, duration, the
parameters it was rendered with, its key numbers, the ``./render.sh`` line that renders it
again, a copy-ready embed snippet and its storyboard; variants rendered with other
parameters follow as a row of posters. Each section (and the lecture) links its slides
when ``--slides`` has written them. Relative paths only, no network fetches, plain
HTML and CSS with a few lines of JavaScript (copy buttons, chapter links): the folder can
be uploaded anywhere as it is and read on a phone.
"""

from __future__ import annotations

import html
import json
import shlex
from pathlib import Path
from typing import Any

from lecture.catalog import LECTURE_TITLE, SCENES, SECTIONS, entry
from lecture.staging import write_changed

__all__ = ["key_numbers", "render_command", "write_gallery"]

MAX_LISTED = 6  # numbers shown of a keyframe; longer ones are summarised


def _number(value: float | None) -> str:
    if value is None:
        return "∞"
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.6g}"


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for item in value for x in _flatten(item)]
    return [value]


def key_numbers(keyframes: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, text) for each keyframe: a few numbers in full, long arrays summarised."""
    rows = []
    for name, value in keyframes.items():
        flat = _flatten(value)
        if all(isinstance(v, str) for v in flat):
            text = ", ".join(flat)
        elif len(flat) <= MAX_LISTED:
            text = ", ".join(_number(v) for v in flat)
            text = f"[{text}]" if isinstance(value, list) else text
        else:
            numbers = [v for v in flat if isinstance(v, (int, float))]
            text = (f"{len(flat):,} values from {_number(min(numbers))} "
                    f"to {_number(max(numbers))}")
        rows.append((name, text))
    return rows


def render_command(sidecar: dict[str, Any]) -> str:
    """The ``./render.sh`` line that renders this clip again."""
    scene = entry(sidecar["scene"])
    quality = sidecar.get("quality", "m")
    words = ["./render.sh", scene.id, "-q", quality]
    defaults = scene.params().as_dict()
    for name, value in sidecar["params"].items():
        if value != defaults.get(name):
            words += ["--set", f"{scene.id}.{name}={_toml(value)}"]
    if sidecar.get("format", "mp4") != "mp4":
        words += ["--format", sidecar["format"]]
    if sidecar.get("theme", "dark") != "dark":
        words += ["--theme", sidecar["theme"]]
    if sidecar.get("voice", {}).get("name", "joe") != "joe":
        words += ["--voice", sidecar["voice"]["name"]]
    return " ".join(shlex.quote(w) for w in words)


def _toml(value: Any) -> str:
    if value is None:
        return '"none"'
    return json.dumps(value)


def _embed(stem_path: str, sidecar: dict[str, Any]) -> str:
    """The snippet to paste; a clip that speaks says how to autoplay it (browsers only
    start a video by themselves when it is muted)."""
    spoken = sidecar.get("loudness") is not None
    return ((f'<!-- it speaks: add "muted autoplay playsinline" to start it silently on its'
             f' own -->\n' if spoken else "")
            + f'<video controls preload="metadata" width="{sidecar["width"]}" '
            f'poster="{stem_path}.png">\n'
            f'  <source src="{stem_path}.mp4" type="video/mp4">\n'
            f'  <track kind="captions" srclang="en" label="English" '
            f'src="{stem_path}.vtt" default>\n</video>')


STYLE = """
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#111;color:#eee}
main{max-width:1100px;margin:auto;padding:1em}
h1{font-size:1.6em;margin:.3em 0} h2{margin-top:2em;border-bottom:1px solid #444}
h3{margin:.2em 0} a{color:#8cf} video,img{max-width:100%;height:auto;background:#000}
.clip{display:flex;flex-wrap:wrap;gap:1em;padding:1em 0;border-bottom:1px solid #333}
.clip>div{flex:1 1 420px;min-width:0}
table{border-collapse:collapse;font-size:.9em} td,th{padding:.15em .6em;text-align:left;
vertical-align:top;border-bottom:1px solid #333} th{color:#aaa;font-weight:normal}
code,pre,textarea{font:13px/1.4 ui-monospace,monospace} pre{white-space:pre-wrap;
word-break:break-all;background:#222;padding:.5em} textarea{width:100%;height:7em;
background:#222;color:#eee;border:1px solid #444} button{margin:.3em 0}
.chapters a{display:block} .variants{display:flex;flex-wrap:wrap;gap:.5em}
.variants figure{margin:0;width:200px;font-size:.8em}
""".strip()

SCRIPT = """
document.querySelectorAll('button[data-copy]').forEach(b => b.addEventListener('click', () => {
  const t = document.getElementById(b.dataset.copy);
  t.select(); navigator.clipboard ? navigator.clipboard.writeText(t.value) : document.execCommand('copy');
  b.textContent = 'Copied';
}));
document.querySelectorAll('a[data-seek]').forEach(a => a.addEventListener('click', e => {
  e.preventDefault();
  const v = document.getElementById('lecture');
  v.currentTime = parseFloat(a.dataset.seek); v.play();
}));
""".strip()


def _poster_row(folder: Path, items: list[tuple[str, str]]) -> str:
    """Posters linking to their clips, each captioned: (clip path without suffix, caption)."""
    figures = "".join(f'<figure><a href="{stem}.mp4"><img src="{stem}.png" alt="" '
                      f'loading="lazy"></a><figcaption>{html.escape(text)}</figcaption></figure>'
                      for stem, text in items)
    return f'<div class="variants">{figures}</div>'


def _clip_html(folder: Path, sidecar_path: Path, sidecar: dict[str, Any],
               variants: list[tuple[Path, dict]], sweeps: list[dict]) -> str:
    scene = entry(sidecar["scene"])
    stem = sidecar_path.relative_to(folder).with_suffix("").as_posix()
    esc = html.escape
    params = "".join(f"<tr><th>{esc(k)}</th><td><code>{esc(json.dumps(v))}</code></td></tr>"
                     for k, v in sidecar["params"].items())
    numbers = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>"
                      for k, v in key_numbers(sidecar["keyframes"]))
    snippet_id = f"embed-{scene.id}"
    rows = [
        f'<section class="clip" id="{scene.id}"><div>',
        f'<video controls preload="metadata" poster="{stem}.png">'
        f'<source src="{stem}.mp4" type="video/mp4">'
        f'<track kind="captions" srclang="en" label="English" src="{stem}.vtt" default>'
        f'<track kind="chapters" srclang="en" label="Steps" src="{stem}.chapters.vtt">'
        f"</video>",
        f'<p><a href="{stem}.storyboard.png">Storyboard</a> · <a href="{stem}.txt">transcript</a>'
        f' · <a href="{stem}.png">poster</a> · <a href="{stem}.vtt">captions</a>'
        f' · <a href="{stem}.json">sidecar</a></p>',
        "<ol class=\"steps\">" + "".join(f"<li>{s['start']:.0f} s: {esc(s['title'])}</li>"
                                        for s in sidecar.get("steps", [])) + "</ol>",
        "</div><div>",
        f"<h3>{scene.number:02d} {esc(scene.title)}</h3>",
        f"<p>{esc(scene.summary)} <em>{sidecar['duration_s']:.1f} s</em></p>",
        f"<table><caption>Parameters</caption>{params}</table>",
        f"<table><caption>Key numbers</caption>{numbers}</table>",
        f"<p>Render it again:</p><pre>{esc(render_command(sidecar))}</pre>",
        f'<p>Embed it:</p><textarea id="{snippet_id}" readonly>'
        f"{esc(_embed(stem, sidecar))}</textarea>"
        f'<button type="button" data-copy="{snippet_id}">Copy embed code</button>',
    ]
    defaults = scene.params().as_dict()
    swept = set()
    for sweep in sweeps:
        items = [(v["clip"][:-4], f"{sweep['param']} = {json.dumps(v['value'])}")
                 for v in sweep["variants"] if (folder / v["clip"]).exists()]
        swept.update(stem for stem, _ in items)
        rows.append(f"<p>Sweep of {esc(sweep['param'])}:</p>{_poster_row(folder, items)}")
    others = [(path.relative_to(folder).with_suffix("").as_posix(), data)
              for path, data in variants]
    others = [(stem, ", ".join(f"{k} = {json.dumps(v)}" for k, v in data["params"].items()
                               if v != defaults.get(k)))
              for stem, data in others if stem not in swept]
    if others:
        rows.append(f"<p>Other parameters:</p>{_poster_row(folder, others)}")
    rows.append("</div></section>")
    return "\n".join(rows)


def _read(path: Path) -> dict[str, Any] | None:
    """A sidecar or summary, or None if it is missing or not whole (the page skips it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _variants(folder: Path) -> dict[str, list[tuple[Path, dict]]]:
    found: dict[str, list[tuple[Path, dict]]] = {}
    for path in sorted(folder.glob("*/*--*.json")):
        data = _read(path)
        if data is None or "params" not in data:
            continue
        if data.get("format", "mp4") == "mp4" and path.with_suffix(".mp4").exists():
            found.setdefault(data["scene"], []).append((path, data))
    return found


def _lecture_html(folder: Path) -> str:
    record = _read(folder / "lecture.json")
    if record is None:
        return ("<p>The full lecture is joined once every clip and title card of this quality "
                "has been rendered (<code>./render.sh</code> with no target).</p>")
    links = "".join(f'<a href="#{html.escape(p["id"])}" data-seek="{p["start_s"]}">'
                    f'{int(p["start_s"]) // 60}:{int(p["start_s"]) % 60:02d} '
                    f'{html.escape(p["title"])}</a>' for p in record["parts"])
    minutes = record["duration_s"] / 60
    return (f'<video id="lecture" controls preload="metadata" '
            f'poster="{html.escape(record["parts"][0]["clip"][:-4])}.png">'
            f'<source src="lecture.mp4" type="video/mp4">'
            f'<track kind="captions" srclang="en" label="English" src="lecture.vtt" default>'
            f'<track kind="chapters" srclang="en" label="Chapters" src="chapters.vtt">'
            f"</video><p>{minutes:.1f} minutes · <a href=\"lecture.mp4\">lecture.mp4</a> · "
            f'<a href="lecture.srt">lecture.srt</a> · <a href="chapters.vtt">chapters</a> · '
            f'<a href="lecture.txt">transcript</a></p>'
            f'<nav class="chapters">{links}</nav>')


def _deck_links(folder: Path, stem: str) -> str:
    """Links to a deck of ``slides/`` (``./render.sh --slides``), if it has been written."""
    if not (folder / "slides" / f"{stem}.html").exists():
        return ""
    return (f'<p class="deck">Slides, a slide per step: <a href="slides/{stem}.html">reveal.js</a>'
            f' · <a href="slides/{stem}.pptx">PowerPoint</a>'
            f' · <a href="slides/{stem}.pdf">handout (PDF)</a></p>')


def write_gallery(folder: Path) -> Path:
    """Write ``index.html`` in a quality folder from the sidecars found there (left as it
    is when it would not change)."""
    variants = _variants(folder)
    sweeps: dict[str, list[dict]] = {}
    for path in sorted(folder.glob("sweeps/*.json")):
        sweep = _read(path)
        if sweep is not None:
            sweeps.setdefault(sweep["scene"], []).append(sweep)
    body = [f"<h1>{html.escape(LECTURE_TITLE)}</h1>",
            f"<p>Rendered at {html.escape(folder.name)}. Every clip below can be rendered "
            "again with new parameters by the command under it.</p>",
            "<h2>The full lecture</h2>", _lecture_html(folder), _deck_links(folder, "lecture")]
    for section in SECTIONS:
        clips = []
        for scene in (s for s in SCENES if s.section == section.id):
            sidecar = folder / scene.section / f"{scene.stem}.json"
            data, others = _read(sidecar), variants.get(scene.id, [])
            if data is None and others:  # only variants rendered (the studio): one leads
                (sidecar, data), others = others[0], others[1:]
            if data is not None:
                clips.append(_clip_html(folder, sidecar, data, others, sweeps.get(scene.id, [])))
        if clips:
            body.append(f'<h2 id="{section.id}">{html.escape(section.heading)}</h2>')
            body.append(_deck_links(folder, section.id))
            body.extend(clips)
    page = ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<link rel=\"icon\" href=\"data:,\">"
            f"<title>{html.escape(LECTURE_TITLE)} ({html.escape(folder.name)})</title>"
            f"<style>{STYLE}</style></head><body><main>\n" + "\n".join(body)
            + f"\n</main><script>{SCRIPT}</script></body></html>\n")
    write_changed(folder / "index.html", page)
    return folder / "index.html"
