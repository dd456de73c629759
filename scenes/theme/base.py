"""The base of every lecture scene, and a cursor that sweeps over checkpoints.

A scene module is ``scenes/<section>/<scene id>.py`` and holds one :class:`LectureScene`
subclass named after the id (``mc_mean_convergence`` -> ``McMeanConvergence``). The scene
finds its catalog entry from its module's name, so its id, title and parameters are
written once, in ``lecture/catalog.py``. Run through the pipeline, the worker sets
``params``; run through plain Manim, the scene uses its defaults.

Every narration line is spoken (lecture/voice.py): a narrate block lasts at least as long
as its speech and a short pause, holding its last frame when the animation is shorter.
With the voice ``none`` the pacing is the animations' own, as before there was a voice.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np
from manim import Scene, ValueTracker, VGroup, Write, linear

from lecture.catalog import SceneEntry, entry
from lecture.faults import checkpoint
from lecture.params import SceneParams
from lecture.voice import VOICE_VARIABLE, NoVoice, Utterance, current, say, spoken_form, voice
from scenes.theme import gate
from scenes.theme.panel import make_header

__all__ = ["LectureScene", "Sweep"]

CAPTION_WIDTH = 42  # characters per caption line, at most two lines a cue
MIN_CUE_SECONDS = 1.5
PAUSE_SECONDS = 0.4  # after a spoken line, before the next may start


def scene_entry(scene_class: type) -> SceneEntry:
    """The catalog entry of a scene class: its module is named after the scene id."""
    for cls in scene_class.__mro__:  # the pipeline renders a subclass made on the fly
        try:
            return entry(cls.__module__.rsplit(".", 1)[-1])
        except KeyError:
            continue
    raise LookupError(f"{scene_class.__name__}: no catalog entry for its module")


class LectureScene(Scene):
    """Base of every lecture scene: its catalog entry, parameters, result and narration."""

    params: ClassVar[SceneParams | None] = None  # the pipeline sets this on a subclass
    catalog_entry: ClassVar[SceneEntry | None] = None  # else found from the module's name
    planned_result: ClassVar[Any] = None  # the planner's checked result, handed over

    def setup(self) -> None:
        self.entry = self.catalog_entry or scene_entry(type(self))
        self.p = self.params if self.params is not None else self.entry.params()
        self.result = (self.planned_result if self.planned_result is not None
                       else self.entry.computed(self.p))  # checked as the planner does
        self.cues: list[tuple[float, float, str]] = []  # (start, end, caption) per narrate
        self.step_marks: list[tuple[str, float]] = []  # (title, start) per step()
        # A dry run writes neither frames nor audio: unless a voice is asked for by name
        # (to measure its pacing), speaking would only cost time.
        from manim import config

        asked = os.environ.get(VOICE_VARIABLE)
        self.voice = voice("none") if config.dry_run and not asked else current()
        self.utterances: list[dict[str, Any]] = []  # per spoken line: where its audio goes
        self.said: dict[str, Utterance] = {}  # spoken text -> its speech, asked for once

    def utter(self, line: str, spoken: str | None = None) -> Utterance | None:
        """The speech of a caption line (``spoken``, else the reader's form of ``line``),
        synthesised once per text and voice; None when the voice is ``none``."""
        if isinstance(self.voice, NoVoice):
            return None
        text = spoken or spoken_form(line)
        if text not in self.said:
            self.said[text] = say(self.voice, text)
        return self.said[text]

    def speech_seconds(self, line: str, spoken: str | None = None) -> float:
        """How long a narrate block of ``line`` lasts at least: its speech and a pause."""
        utterance = self.utter(line, spoken)
        return utterance.seconds + PAUSE_SECONDS if utterance else 0.0

    def step(self, title: str) -> None:
        """Begin a step of the clip (a chapter a page can jump to) here, titled ``title``."""
        self.step_marks.append((title, self.time))

    def steps(self, duration: float) -> list[dict[str, Any]]:
        """The clip's steps with their start and end in seconds, one after the other: the
        ``step()`` marks, or, in a scene without any, one step per narration line."""
        marks = list(self.step_marks or [(line, start) for start, _, line in self.cues])
        marks[0] = (marks[0][0], 0.0)  # the first step opens the clip
        ends = [start for _, start in marks[1:]] + [duration]
        return [{"title": title, "start": round(start, 3), "end": round(end, 3)}
                for (title, start), end in zip(marks, ends)]

    def bring_movers_to_front(self) -> None:
        """Put every mobject with updaters last in the draw order.

        Manim's Cairo renderer redraws, on every frame, each mobject from the first
        moving one onwards; static axes and labels behind the movers are drawn once.
        """
        movers = [m for m in self.mobjects if m.get_family_updaters()]
        self.bring_to_front(*movers)

    def open_with(self, equation: str, line: str, run_time: float = 2.0) -> VGroup:
        """Step 1 of every scene: write the catalog's title and the key equation, narrated.
        Returns the header, for placing what comes below it."""
        header = make_header(self.entry.title, equation)
        with self.narrate(line):
            self.play(Write(header), run_time=run_time)
            self.wait(0.5)
        return header

    def freeze_movers(self) -> None:
        """Stop every updater: what they drew last stays, and later steps draw it once."""
        for mobject in self.mobjects:
            for member in mobject.get_family():
                member.clear_updaters()

    def wait(self, duration: float = 1.0, stop_condition: Any = None,
             frozen_frame: bool | None = True) -> None:
        """A hold: nothing moves, so Manim writes one frame again instead of redrawing
        every updater (pass ``frozen_frame=None`` for a wait in which things move)."""
        super().wait(duration, stop_condition=stop_condition, frozen_frame=frozen_frame)

    def play(self, *args: Any, **kwargs: Any) -> None:
        self.bring_movers_to_front()
        super().play(*args, **kwargs)
        self.plays = getattr(self, "plays", 0) + 1
        if self.plays == 3:  # frames of three animations are written by now
            checkpoint("frames")

    @contextmanager
    def narrate(self, line: str, spoken: str | None = None) -> Iterator[None]:
        """Caption the animations played inside the block with one narration line, and
        speak it (``spoken`` overrides the reader's spoken form of ``line``).

        The first line after a ``step()`` mark is shown from the mark on, so that a step
        opens with its line even when something is drawn before the block begins. The
        speech starts with the caption; when the block's animations end before the speech
        and a pause, the last frame is held until then.
        """
        start = self.time
        said = self.cues[-1][1] if self.cues else 0.0
        if self.step_marks and said <= self.step_marks[-1][1]:
            start = self.step_marks[-1][1]
        utterance = self.utter(line, spoken)
        yield
        if utterance is not None:
            remaining = start + utterance.seconds + PAUSE_SECONDS - self.time
            if remaining > 0:
                self.wait(remaining)
            self.utterances.append({
                "line": line, "spoken": utterance.text, "start": round(start, 3),
                "end": round(start + utterance.seconds, 3), "audio": str(utterance.path),
                "synthesized": utterance.synthesized})
        duration = self.time - start
        lines = textwrap.wrap(line, CAPTION_WIDTH)
        if len(lines) > 2 or duration < MIN_CUE_SECONDS:
            raise ValueError(f"caption {line!r}: {len(lines)} lines over {duration:.2f} s; "
                             f"allowed 2 lines over at least {MIN_CUE_SECONDS} s")
        self.add_subcaption("\n".join(lines), duration=duration, offset=-duration)
        self.cues.append((start, self.time, line))
        if gate.enabled():
            found = gate.problems(self.mobjects)
            if found:
                raise gate.LayoutError(f"{self.entry.id}, step {line!r}: " + "; ".join(found))


class Sweep:
    """A cursor over the checkpoints 0..count-1 of a result, driven by a ValueTracker.

    Curves drawn up to ``position`` grow smoothly (their head is fractional); numbers
    shown with :meth:`at` are those of the last checkpoint the head has passed.
    """

    def __init__(self, count: int, start: float = 0) -> None:
        self.count = count
        self.tracker = ValueTracker(start)

    @property
    def position(self) -> float:
        return self.tracker.get_value()

    def index(self) -> int:
        return int(np.clip(np.floor(self.position + 1e-9), 0, self.count - 1))

    def at(self, values: Sequence[Any] | np.ndarray) -> Any:
        return values[self.index()]

    def to(self, position: float) -> Any:
        """The animation that moves the cursor to ``position``, to play beside others (a
        morph from 0 to 1 is a sweep of two checkpoints)."""
        return self.tracker.animate.set_value(position)

    def play_to_end(self, scene: LectureScene, lines: list[str], seconds: float) -> None:
        """Advance to the last checkpoint, one caption per equal share of the sweep (a
        share lasts at least its line's speech and pause), then freeze what the updaters
        drew."""
        end = self.count - 1
        for i, line in enumerate(lines, start=1):
            share = max(seconds / len(lines), scene.speech_seconds(line))
            with scene.narrate(line):
                scene.play(self.tracker.animate.set_value(end * i / len(lines)),
                           run_time=share, rate_func=linear)
        scene.freeze_movers()
