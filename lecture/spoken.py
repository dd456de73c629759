"""The spoken form of a caption: what a lecturer says when the screen shows the line.

Captions are written to be read ("|dz/dy| = 1/|g'(z)|", "vᵀHv", "kappa = 26.9722"); a
voice reading them letter by letter would say "pipe" and "slash". :func:`spoken` reads our
notation the way a lecturer would ("the absolute value of d z over d y equals one over the
absolute value of g prime of z") and returns plain English for the phonemizer (espeak-ng,
which Piper uses): words, spaces and ``, . ? ! ' - :``, no digits and no symbols.

It is a tokenizer (one regular expression, one alternative per kind of token) and a
reader that walks the tokens with one token of context either side and recurses into
brackets, because brackets change what their contents mean: ``g(z)`` is "g of z",
``|a|`` "the absolute value of a", ``E[x | z]`` "the expected value of x given z". Plain
English words pass through untouched. Numbers are read digit by digit after the point,
so the voice says the rounding the screen shows. A symbol the tables do not know is left
in place, so that ``tests/lecture/test_spoken.py`` (which reads every line of every
scene) fails on it instead of the voice saying something odd.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["GREEK", "SYMBOLS", "WORDS", "number_words", "spoken"]

# One alternative per kind of token; the order matters (longest notation first).
_TOKEN = re.compile(r"""
    (?P<abbrev>(?<![A-Za-z])(?:e\.g\.|i\.e\.|vs\.|etc\.|cf\.))
  | (?P<sci>\d+(?:\.\d+)?e[-+]?\d+)(?![A-Za-z])
  | (?P<dims>\d+x\d+(?:x\d+)*)(?![A-Za-z])
  | (?P<factor>\d+(?:\.\d+)?x)(?![A-Za-z0-9])
  | (?P<chain>\d+(?:-\d+)+)
  | (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z]+\d+)
  | (?P<word>[A-Za-z]+(?:'[a-z]+)?(?:-[A-Za-z]+)*)
  | (?P<greek>[α-ωΑ-Ω])
  | (?P<ellipsis>\.\.\.|…)
  | (?P<norm>\|\||‖)
  | (?P<space>\s+)
  | (?P<symbol>.)
""", re.VERBOSE)

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_ENDINGS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                    "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}

# Words said otherwise than espeak-ng would read them (Greek letters it gets wrong, names
# of functions, abbreviations a lecturer expands).
WORDS = {
    "mu": "mew", "nu": "new", "xi": "ksy", "tanh": "tanch", "std": "standard deviation",
    "var": "variance", "cov": "covariance", "argmax": "arg max", "argmin": "arg min",
    "e.g.": "for example", "i.e.": "that is", "vs.": "versus", "etc.": "et cetera",
    "cf.": "compare", "NaN": "nan", "inf": "infinity",
}

# Operators and punctuation, by the symbol; brackets, bars, primes, ^ and _ are read by
# the reader because what they mean depends on their neighbours.
SYMBOLS = {
    "=": "equals", "≈": "is approximately", "≠": "is not equal to", "±": "plus or minus",
    "×": "times", "*": "times", "+": "plus", "-": "minus", "−": "minus", "/": "over",
    "<": "is less than", ">": "is greater than", "≤": "is at most", "≥": "is at least",
    "→": "goes to", "∞": "infinity", "∝": "is proportional to", "%": "percent",
    "°": "degrees", "&": "and", "∑": "the sum of", "∫": "the integral of",
    "∂": "partial", "∇": "the gradient of", "√": "the square root of", "∈": "in",
    ",": ",", ":": ":", "?": "?", "!": "!", ";": ",", "—": ",", "–": ",", "...": "...",
    "…": "...",
    '"': "", "“": "", "”": "",
}

_SUPERSCRIPTS = {"ᵀ": "transpose", "²": "squared", "³": "cubed", "⁻": "to the minus",
                 "¹": "to the first"}
_SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉"
_PRIMES = {1: "prime", 2: "double prime", 3: "triple prime"}
_FUNCTIONS = {"sqrt": "the square root of", "E": "the expected value of",
              "det": "the determinant of"}
_SENTENCE_ENDS = {".", ":", "?", "!", "...", ";"}
# Words without a vowel that are still words, not letters to spell.
_Y_WORDS = {"by", "my", "why", "try", "dry", "fly", "sky", "shy", "spy", "cry", "fry",
            "gym", "myth", "rhythm", "hymn", "lynx", "nth"}
_OPENERS = {"(": ")", "[": "]", "{": "}"}


def number_words(text: str) -> str:
    """A number as written, in words: "10,000" -> "ten thousand", "2.50" -> "two point
    five zero" (every digit after the point is said: it is the rounding shown)."""
    whole, _, fraction = text.replace(",", "").partition(".")
    words = _integer_words(int(whole))
    if fraction:
        words += " point " + " ".join(_UNITS[int(d)] for d in fraction)
    return words


def _integer_words(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + (f"-{_UNITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_UNITS[hundreds]} hundred" + (f" {_integer_words(rest)}" if rest else "")
    for scale, name in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return f"{_integer_words(high)} {name}" + (f" {_integer_words(rest)}" if rest
                                                        else "")
    raise AssertionError(n)


def _ordinal_words(n: int) -> str:
    """ "eighteenth", "twenty-first": for powers ("ten to the eighteenth")."""
    words = _integer_words(n)
    head, last = re.match(r"(.*?)([a-z]+)$", words).groups()
    if last in _ORDINAL_ENDINGS:
        return head + _ORDINAL_ENDINGS[last]
    return head + (last[:-1] + "ieth" if last.endswith("y") else last + "th")


def _power_words(exponent: int) -> str:
    """ "eighteenth" in "ten to the eighteenth", "minus four" in "ten to the minus four"."""
    return f"minus {_integer_words(-exponent)}" if exponent < 0 else _ordinal_words(exponent)


def _letters(word: str) -> str:
    return " ".join(word)


def _joined(args: list[list[str]], by: str = "and") -> list[str]:
    """Arguments said one after the other: "p of x and z", "six comma ten"."""
    return [word for k, arg in enumerate(args) for word in ([by] if k else []) + arg]


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    spaced: bool  # whitespace before it


def _tokens(line: str) -> list[_Token]:
    tokens, spaced = [], True
    for match in _TOKEN.finditer(line):
        if match.lastgroup == "space":
            spaced = True
            continue
        tokens.append(_Token(match.lastgroup, match.group(), spaced))
        spaced = False
    return tokens


class _Reader:
    """Walks the tokens of one line, left to right, recursing into brackets."""

    def __init__(self, line: str) -> None:
        self.tokens = _tokens(line)
        self.i = 0

    def peek(self, offset: int = 0) -> _Token | None:
        j = self.i + offset
        return self.tokens[j] if 0 <= j < len(self.tokens) else None

    def read(self, closer: str | None = None) -> list[str]:
        """Words up to ``closer`` (consumed) or the end of the line."""
        out: list[str] = []
        while (token := self.peek()) is not None:
            if closer is not None and token.text == closer and (
                    closer != "|" or not token.spaced):
                self.i += 1
                return out
            self.i += 1
            out += self.token(token)
        return out

    def arguments(self, closer: str) -> list[list[str]]:
        """The comma-separated arguments of a bracket, each in words."""
        args: list[list[str]] = [[]]
        while (token := self.peek()) is not None:
            self.i += 1
            if token.text == closer:
                break
            if token.text == ",":
                args.append([])
            else:
                args[-1] += self.token(token)
        return args

    def token(self, token: _Token) -> list[str]:
        kind, text = token.kind, token.text
        after = self.peek()
        glued = after is not None and not after.spaced  # the next token touches this one
        if kind == "number":
            return [number_words(text)]
        if kind == "chain":  # layer sizes: "2-8-2"
            return ["-".join(_integer_words(int(n)) for n in text.split("-"))]
        if kind == "dims":  # "2x2"
            return [" by ".join(_integer_words(int(n)) for n in text.split("x"))]
        if kind == "factor":  # "3x faster"
            return [number_words(text[:-1]), "times"]
        if kind == "sci":
            mantissa, exponent = text.split("e")
            power = ["ten to the", _power_words(int(exponent))]
            return power if float(mantissa) == 1 else [number_words(mantissa), "times", *power]
        if kind == "abbrev":
            return [WORDS[text]]
        if kind == "name":  # x0, sigma1
            letters, digits = re.match(r"([A-Za-z]+)(\d+)", text).groups()
            return [*self.word(letters), _integer_words(int(digits))]
        if kind == "word":
            return self.word(text)
        if kind == "greek":
            return self.word(GREEK[text])
        if kind == "norm":
            inner = self.read(text)
            order = self.subscript_number()
            return ["the", f"{order}-norm" if order else "norm", "of", *inner]
        return self.symbol(token, glued)

    def subscript_number(self) -> str | None:
        """A norm's order: the "2" of "||A||_2"."""
        underscore, order = self.peek(), self.peek(1)
        if (underscore is not None and underscore.text == "_" and not underscore.spaced
                and order is not None and order.kind == "number"):
            self.i += 2
            return number_words(order.text)
        return None

    def word(self, text: str) -> list[str]:
        after = self.peek()
        if text in _FUNCTIONS and after is not None and not after.spaced and after.text in "([":
            self.i += 1
            return [_FUNCTIONS[text], *_joined(self.arguments(_OPENERS[after.text]))]
        if text == "det":
            math_follows = after is not None and (after.kind in ("name", "greek") or (
                after.kind == "word" and len(after.text) <= 2))
            return ["the determinant of" if math_follows else "the determinant"]
        if text == "N" and after is not None and after.text == "(" and not after.spaced:
            self.i += 1
            args = self.arguments(")")
            if len(args) == 2:
                spread = "covariance" if args[1] in (["I"], ["Sigma"]) else "variance"
                return ["the normal with mean", *args[0], "and", spread, *args[1]]
            return ["N of", *_joined(args)]
        if text in WORDS:
            return [WORDS[text]]
        if text == "x" and after is not None and after.kind == "number" and after.spaced:
            before = self.peek(-2)
            if before is not None and before.kind == "word":
                return ["times"]  # "area x 2.00"
        if text in ("a", "A"):
            return [self.letter_a(text)]
        if "-" in text:  # counter-clockwise, kappa-fold
            return ["-".join(" ".join(self.word(part)) for part in text.split("-"))]
        if len(text) > 1 and text.isupper():
            return [_letters(text)]  # SVD, JVP
        if len(text) > 1 and not re.search("[aeiouAEIOU]", text) and text.lower() not in _Y_WORDS:
            return [_letters(text)]  # dz, Hv, xx: variables side by side
        return [text]

    def letter_a(self, text: str) -> str:
        """The article "a", or the variable a (said "eh": espeak says the article)."""
        after = self.peek()
        before = self.peek(-2)
        starts_sentence = before is None or before.text in _SENTENCE_ENDS
        word_follows = after is not None and after.spaced and after.kind in (
            "word", "number", "chain", "dims", "name")
        if word_follows and (text == "a" or starts_sentence):
            return text
        return "eh"

    def symbol(self, token: _Token, glued: bool) -> list[str]:
        text = token.text
        before = self.peek(-2)
        if text == "|":
            if token.spaced and not glued:
                return ["given"]
            return ["the absolute value of", *self.read("|")]
        if text == "(":
            if before is not None and not token.spaced and (
                    before.kind in ("word", "name", "greek") or before.text in ("'", ")")):
                return ["of", *_joined(self.arguments(")"))]  # g(z), p(x, z), g'(z)
            if self.has_comma(")"):  # a point or a vector: (1, 2)
                lead = [] if before is not None and before.kind == "symbol" else [","]
                return [*lead, *_joined(self.arguments(")"), by="comma"), ","]
            inner = self.read(")")
            if before is not None and before.kind in ("word", "name") \
                    and len(before.text) == 1 and self.has_operator(inner):
                return ["times", *inner]  # J (x - x0)
            return [",", *inner, ","]  # an aside: (dashed)
        if text == "[":
            args = self.arguments("]")
            if len(args) == 2:
                return ["the interval from", *args[0], "to", *args[1]]
            return [",", *[w for a in args for w in a], ","]
        if text == "{":
            return self.read("}")
        if text in _OPENERS.values():
            return []  # a bracket closed without being opened
        if text == "'":
            count = 1
            while (nxt := self.peek()) is not None and nxt.text == "'" and not nxt.spaced:
                self.i += 1
                count += 1
            return [_PRIMES.get(count, "prime")] if before is not None and not token.spaced \
                else []
        if text == "^":
            return self.power()
        if text == "_":
            return []  # a subscript is said after its letter: sigma_max, mu_x
        if text == "~":
            return ["distributed as"] if token.spaced else ["about"]
        if text == ".":
            if before is not None and not token.spaced and glued and before.kind in (
                    "word", "name") and self.peek().kind in ("word", "name"):
                return ["dot"]  # v.grad f
            return ["."]
        if text == "·":
            numbers = before is not None and before.kind == "number"
            return ["times" if numbers else "dot"]
        if text == "⁻" and glued and self.peek().text == "¹":
            self.i += 1
            return ["inverse"]
        if text in _SUPERSCRIPTS:
            return [_SUPERSCRIPTS[text]]
        if text in _SUBSCRIPT_DIGITS:
            return [_UNITS[_SUBSCRIPT_DIGITS.index(text)]]
        if text == "√":
            after = self.peek()
            if after is not None and after.text == "(":
                self.i += 1
                return ["the square root of", *_joined(self.arguments(")"))]
        return [SYMBOLS.get(text, text)]

    def power(self) -> list[str]:
        after = self.peek()
        if after is None:
            return ["to the power"]
        self.i += 1
        if after.text == "T":
            return ["transpose"]
        if after.text in ("-", "−") and (n := self.peek()) is not None and n.kind == "number":
            self.i += 1
            return ["inverse"] if n.text == "1" else ["to the minus", number_words(n.text)]
        if after.kind == "number" and "." not in after.text:
            n = int(after.text.replace(",", ""))
            return {2: ["squared"], 3: ["cubed"]}.get(n, ["to the", _power_words(n)])
        if after.text in _OPENERS:
            return ["to the", *self.read(_OPENERS[after.text])]
        return ["to the", *self.token(after)]

    def has_comma(self, closer: str) -> bool:
        """Whether the bracket opened just before holds a comma at its own level."""
        depth = 0
        for token in self.tokens[self.i:]:
            if token.text == closer and depth == 0:
                return False
            if token.text == "," and depth == 0:
                return True
            depth += (token.text in _OPENERS) - (token.text in _OPENERS.values())
        return False

    @staticmethod
    def has_operator(words: list[str]) -> bool:
        return any(w in ("plus", "minus", "times", "over", "equals") for w in words)


def spoken(line: str) -> str:
    """What a lecturer says for the caption ``line``: plain English words for the voice.

    >>> spoken("|dz/dy| = 1/|g'(z)|")
    'the absolute value of d z over d y equals one over the absolute value of g prime of z'
    >>> spoken("1/sqrt(N)")
    'one over the square root of N'
    """
    text = " ".join(word for word in _Reader(line).read() if word)
    text = re.sub(r"\s+([,.:?!])", r"\1", text)  # punctuation sits on its word
    text = re.sub(r",(\s*,)+", ",", text)  # an aside closing where a comma follows
    text = re.sub(r",\s*([.:?!])", r"\1", text)
    text = re.sub(r"^[,\s]+", "", text)
    return re.sub(r"\s+", " ", text).strip()
