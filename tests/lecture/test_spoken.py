"""The reader of our caption notation (lecture/spoken.py): what the voice says for a line.

A table of written lines and the words a lecturer says for them; numbers in every format
the scenes print them in, checked against an independent reading of the words back into
a number; and every narration line of every scene and title card, collected by dry-running
them with their defaults, must come out as words only, so a symbol a scene starts to use
without a spoken form fails here before a voice says "pipe" or "slash".

    python -m tests.lecture.test_spoken   # prints every (scene, line, spoken form)
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture.catalog import CARDS, SCENES
from lecture.spoken import GREEK, SYMBOLS, number_words, spoken

TABLE = [
    # the examples
    ("|dz/dy| = 1/|g'(z)|",
     "the absolute value of d z over d y equals one over the absolute value of g prime of z"),
    ("vᵀHv", "v transpose H v"),
    ("κ", "kappa"),
    ("1/sqrt(N)", "one over the square root of N"),
    # numbers, with the rounding shown
    ("2.1436", "two point one four three six"),
    ("-0.5", "minus zero point five"),
    ("2.00", "two point zero zero"),
    ("10,000", "ten thousand"),
    ("1,000,000 draws", "one million draws"),
    ("289 numbers", "two hundred eighty-nine numbers"),
    ("1e-4", "ten to the minus four"),
    ("2.5e-05", "two point five times ten to the minus five"),
    ("1.23e+12", "one point two three times ten to the twelfth"),
    ("10^4", "ten to the fourth"),
    ("10^18 numbers", "ten to the eighteenth numbers"),
    ("95%", "ninety-five percent"),
    ("39%, 86%, 99% of the mass", "thirty-nine percent, eighty-six percent, ninety-nine "
                                  "percent of the mass"),
    ("30 degrees", "thirty degrees"),
    ("30°", "thirty degrees"),
    ("Any 2x2 matrix", "Any two by two matrix"),
    ("3x faster, 1.5x slower", "three times faster, one point five times slower"),
    ("A 2-8-2 tanh net, seed 42.", "A two-eight-two tanch net, seed forty-two."),
    # Greek letters, written and as names
    ("μ ± 2σ", "mew plus or minus two sigma"),
    ("the mean mu and epsilon", "the mean mew and epsilon"),
    ("α, β, θ, ρ, ε, λ, Σ", "alpha, beta, theta, rho, epsilon, lambda, Sigma"),
    ("Sigma stretches by sigma1", "Sigma stretches by sigma one"),
    ("sigma_max = 3.3131", "sigma max equals three point three one three one"),
    # subscripts and superscripts, variables with digits
    ("σ₁ ≥ σ₂", "sigma one is at least sigma two"),
    ("x² + y³", "x squared plus y cubed"),
    ("A⁻¹ and V^T and W^-1", "eh inverse and V transpose and W inverse"),
    ("N(b, a^2) by formula", "the normal with mean b and variance eh squared by formula"),
    ("along x1 and x2, from x0", "along x one and x two, from x zero"),
    ("N(mu_x, S_xx)", "the normal with mean mew x and variance S x x"),
    ("p_X", "p X"),
    # operators
    ("y = g(z)", "y equals g of z"),
    ("a ≈ b ≠ c", "eh is approximately b is not equal to c"),
    ("2 × 3 · 4", "two times three times four"),
    ("u · v", "u dot v"),
    ("x < 1, x > 0, x ≤ y", "x is less than one, x is greater than zero, x is at most y"),
    ("N → ∞", "N goes to infinity"),
    ("X ~ N(0, 1)", "X distributed as the normal with mean zero and variance one"),
    ("1,000 draws of N(0, I).", "one thousand draws of the normal with mean zero and "
                                "covariance I."),
    ("f(x0) + J (x - x0)", "f of x zero plus J times x minus x zero"),
    ("slope v.grad f = 1", "slope v dot grad f equals one"),
    ("kappa = sigma1/sigma2", "kappa equals sigma one over sigma two"),
    ("√2", "the square root of two"),
    # bars, norms, determinants, brackets
    ("Multiply by |a| = 2", "Multiply by the absolute value of eh equals two"),
    ("||J||_2 is the largest", "the two-norm of J is the largest"),
    ("||W v0|| is a guess", "the norm of W v zero is a guess"),
    ("|det A| = 2.00", "the absolute value of the determinant of eh equals two point zero zero"),
    ("det = sigma1 sigma2", "the determinant equals sigma one sigma two"),
    ("E[x | z]", "the expected value of x given z"),
    ("p(x | z)", "p of x given z"),
    ("The joint p(x, z)", "The joint p of x and z"),
    ("uniform on [0, 1]", "uniform on the interval from zero to one"),
    ("x0 = (1, 2): bands", "x zero equals one comma two: bands"),
    ("The gradient (6, 10) points", "The gradient, six comma ten, points"),
    ("a parallelogram (dashed).", "a parallelogram, dashed."),
    # primes
    ("f' = 3.75, f'' = -9", "f prime equals three point seven five, f double prime equals "
                            "minus nine"),
    ("the square's area", "the square's area"),
    # abbreviations and letters espeak would misread
    ("one SVD, one JVP, one HVP", "one S V D, one J V P, one H V P"),
    ("mean vs. median, e.g. here, i.e. now", "mean versus median, for example here, that "
                                            "is now"),
    ("std 2.0068", "standard deviation two point zero zero six eight"),
    ("Hv is a double backward pass", "H v is a double backward pass"),
    ("area x 2.00", "area times two point zero zero"),
    # the article and the variable a
    ("A linear map moves a point", "A linear map moves a point"),
    ("That is A.", "That is eh."),
    ("makes A hard", "makes eh hard"),
    ("on [a, b]", "on the interval from eh to b"),
    # punctuation a voice pauses on
    ("settle down; we measure", "settle down, we measure"),
    ("...and slides across", "... and slides across"),
]


@pytest.mark.parametrize(("written", "said"), TABLE, ids=[w for w, _ in TABLE])
def test_a_lecturer_says(written, said):
    assert spoken(written) == said


SAYABLE = re.compile(r"[A-Za-z ,.?!':-]*")  # what the voice is given: words, no digits


def test_plain_english_passes_through_untouched():
    line = "Steep parts spread the draws thin, and flat parts pile them up."
    assert spoken(line) == line


_WORD_VALUES = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_WORD_VALUES |= {word: 10 * k for k, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_SCALE_VALUES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


def value_of(words: str) -> float:
    """Words back to a number, by the usual rules (an independent reading, not the reader's
    own tables run backwards): groups below a thousand, scaled; digits after "point"."""
    whole, _, fraction = words.partition(" point ")
    total = group = 0
    for word in whole.replace("-", " ").split():
        if word == "hundred":
            group *= 100
        elif word in _SCALE_VALUES:
            total, group = total + group * _SCALE_VALUES[word], 0
        else:
            group += _WORD_VALUES[word]
    digits = "".join(str(_WORD_VALUES[w]) for w in fraction.split())
    return float(f"{total + group}.{digits or 0}")


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**13 - 1), st.sampled_from(["{:d}", "{:,}"]))
def test_whole_numbers_read_back(n, form):
    words = number_words(form.format(n))
    assert SAYABLE.fullmatch(words) and value_of(words) == n


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(1, 5))
def test_decimals_are_said_to_the_digit_shown(x, decimals):
    written = f"{x:.{decimals}f}"
    words = spoken(written)
    sign, magnitude = (-1, words.removeprefix("minus ")) if words.startswith("minus ") \
        else (1, words)
    assert sign * value_of(magnitude) == pytest.approx(float(written), abs=0)
    assert len(magnitude.partition(" point ")[2].split()) == decimals  # trailing zeros too


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False),
       st.sampled_from(["{:g}", "{:.1g}", "{:.3g}", "{:.4g}", "{:.2f}", "{:,.0f}"]))
def test_every_printed_number_is_said_in_words(x, form):
    """The formats the scenes' f-strings use: :g switches to 1e-05 and 1e+06."""
    assert SAYABLE.fullmatch(spoken(f"kappa = {form.format(x)}: nearly crushed."))


NOTATION = [*(s for s in SYMBOLS if len(s) == 1), *GREEK, *"|‖()[]{}'^_~.·ᵀ²³⁻¹₀₁₂√ ",
            *"aAxyzNEfgT0123456789", "det", "sqrt", "mu", "1e-4", "10^4", "e.g.", "SVD"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(NOTATION), max_size=30).map("".join))
def test_any_mix_of_the_notation_is_said_in_words(written):
    """Unmatched bars and brackets, a power or a prime at the end: still only words."""
    assert SAYABLE.fullmatch(spoken(written))


# Every narration line of every scene ----------------------------------------------------

@pytest.fixture(scope="module")
def narration(dry_runs) -> list[tuple[str, str, str | None]]:
    """(scene id, written line, spoken override) of every title card and scene, with its
    defaults: what the session's dry run of every scene in the dark theme recorded
    (tests/conftest.py, the same run the layout gate reads)."""
    run = dry_runs["dark"]
    assert run.returncode == 0, "a scene stopped before its last line:\n" + "\n".join(
        line for line in run.lines if " ok" not in line)
    return run.narration


def test_every_scene_and_card_is_narrated(narration):
    narrated = {scene for scene, _, _ in narration}
    assert narrated == {e.id for e in (*CARDS, *SCENES)}


def test_every_line_of_every_scene_is_said_in_words(narration):
    """No digit and no symbol reaches the voice: a new symbol in a caption needs a spoken
    form (a rule in lecture/spoken.py, or ``spoken=`` on that narrate call)."""
    unsayable = [(scene, line, said or spoken(line)) for scene, line, said in narration
                 if not SAYABLE.fullmatch(said or spoken(line))]
    assert not unsayable
    needless = [(scene, line) for scene, line, said in narration if said == spoken(line)]
    assert not needless  # an override the reader already says is one more thing to keep


def test_the_words_of_every_line_are_kept(narration):
    """The reader changes notation only: each plain word of a caption (three letters or
    more, not an abbreviation or a name the reader says otherwise) is said as written."""
    changed = {"std", "tanh", "det", "sqrt", "SVD", "JVP", "HVP"}
    missing = []
    for scene, line, said in narration:
        words = set(re.findall(r"[A-Za-z]+", said or spoken(line)))
        missing += [(scene, line, w) for w in re.findall(r"(?<![\w'])[A-Za-z]{3,}(?![\w'])",
                                                         line)
                    if w not in changed and w not in words]
    assert not missing


if __name__ == "__main__":
    from tests.scenes.dry_run import dry_run_all

    for scene, line, said in dry_run_all([])[1]:
        print(f"{scene}\n  {line}\n  {said or spoken(line)}" + ("  (override)" if said else ""))
    sys.exit(0)
