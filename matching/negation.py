"""Dislikes and negation in a person's own words: which stretches of the text they said "no" to.

A NegEx-style reader: a cue ("not", "hate", "don't want", "rather not", "scared of", "can't stand" ...)
negates the words after it up to the end of its clause (punctuation, or a word that starts a new
clause such as "but", "though", "so"), at most eight words. A post-cue ("scares me", "is boring",
"isn't for me") negates the words before it, back to the start of its clause. Pseudo-cues that look
like negation but are not ("not only", "not sure", "don't mind", "not scared of") negate nothing, and
a negated dislike ("never bored by maths") reads as a like.

Words are matched case-insensitively with apostrophes dropped, so "don't", "don’t" and "dont" are
the same word. Every pattern is bounded, so the reader is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product


@dataclass(frozen=True)
class NegatedSpan:
    """One dislike: the cue as written and the stretch of text it negates (character offsets)."""

    cue: str
    cue_start: int
    cue_end: int
    start: int
    end: int


MAX_SCOPE_WORDS = 8

# A word (letters and digits, joined by inner apostrophes or hyphens), or a mark that ends a clause.
_TOKEN = re.compile(
    r"[^\W_]+(?:[-'’‘ʼ][^\W_]+)*"
    r"|[.,;:!?()\[\]{}\n\r\u2026]"
    r"|(?<=\s)[-–—]+(?=\s)|[-–—]{2,}"
    r"|[&/+]"
)


def _set(words: str) -> frozenset[str]:
    """The space-separated ``words`` as a set."""
    return frozenset(words.split())


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
_SYMBOL_KEYS = {"&": "and", "+": "and", "/": "or"}
_BOUNDARY = "."
_END = "#"
PRE, POST, PSEUDO = "pre", "post", "pseudo"
_CLAUSE, _AFTER_POSITIVE = "clause", "positive"


def _expand(pattern: str) -> list[tuple[str, ...]]:
    """Every word sequence a pattern allows: "|" separates choices, "_" joins words, "?" is optional."""
    slots = []
    for slot in pattern.split():
        choices = [tuple(choice.split("_")) for choice in slot.rstrip("?").split("|")]
        slots.append([*choices, ()] if slot.endswith("?") else choices)
    return [tuple(word for part in combo for word in part) for combo in product(*slots)]


def _trie(patterns: dict[str, list[str]]) -> dict:
    """A word trie of every phrase, each end marked with its kind (pre, post or pseudo)."""
    root: dict = {}
    for kind, lines in patterns.items():
        for line in lines:
            for words in _expand(line):
                node = root
                for word in words:
                    node = node.setdefault(word, {})
                node[_END] = kind
    return root


_FEELINGS = (
    "scared|afraid|frightened|terrified|fearful|petrified|bored|squeamish|sick|tired|disgusted|nervous"
    "|uncomfortable|allergic|put_off|grossed_out|freaked_out|fed_up|turned_off"
)
_PREPOSITIONS = "of|by|about|around|with|at|to|when"

# Cues that do not start with a negating word.
_MAIN = _trie(
    {
        PRE: [
            "hate|hates|hated|hating|detest|detests|loathe|loathes|dislike|dislikes|disliked|disliking",
            "bad|rubbish|terrible|awful|useless|hopeless|crap|pants at|with",
            f"{_FEELINGS} of|by|about|around|with|at|to",
            "squeamish when",
            "fear|fears|phobia of",
            "faint at|around|when",
            "faint at the_sight_of",
            "faint when i see",
            "avoid|avoids|avoiding|avoided",
            "away from",
            "anything|everything but|except",
            "except|excluding|apart_from|other_than|rather_than|instead_of",
            "except for",
            "nothing|none|without|neither|nor",
            "rather|sooner not",
            "would|id|i_would rather|sooner not",
        ],
        POST: [
            "scares|scare|scared|frightens|frighten|terrifies|terrify|bores|bore|bored|disgusts|disgust"
            " me to_death|to_tears?",
            "upsets|upset|worries|sickens me",
            "grosses|gross|grossed|freaks|freak|freaked me out",
            "puts|put|turns|turn me off",
            "makes|make|made me feel? faint|sick|ill|queasy|squeamish|nauseous|nervous|anxious|uneasy"
            "|uncomfortable|dizzy|cringe|gag|panic|scared|bored|shudder|pass_out|throw_up|want_to_faint"
            "|want_to_be_sick|want_to_throw_up",
            "is|are|was|were|seems|seem|sounds|sound|looks|look|gets|get"
            " so|really|very|too|quite|pretty|super|way|just|kind_of|kinda|a_bit|a_little|well?"
            " boring|dull|gross|disgusting|horrible|awful|terrible|scary|rubbish|grim|tedious|gory|yucky"
            "|icky|the_worst",
            "sucks|suck|stinks",
        ],
        PSEUDO: [
            "fine|ok|okay|happy with|around|about",
            "nothing wrong with",
            "nothing more|better than",
            "help|helping people? avoid",
            "if not",
        ],
    }
)

# What may follow a negating word ("not", "never", "don't" ...), after any adverbs.
_AFTER_NEGATOR = _trie(
    {
        PRE: [
            "like|likes|liked|love|loved|enjoy|enjoyed|fancy|adore|wanna|stand|handle|bear|stomach|tolerate"
            "|imagine",
            "want|wish to?",
            "like|love|enjoy the_idea_of|the_thought_of|the_sound_of|doing|working|being",
            "care for|about",
            "care less about",
            "deal|cope|get_on with",
            "into",
            "a|much_of_a fan of",
            "a big|huge|massive fan of",
            "keen|big on",
            "interested|good|great|comfortable|happy|cut_out|suited in|at|with|around|for|to|about",
            "the best at",
            "see|picture|imagine myself",
        ],
        POST: [
            "for me",
            "my thing|favourite|favorite|subject",
            "my cup_of_tea",
            "my favourite|favorite thing|subject",
            "interest|interests|appeal|appeals me|to_me?",
            "interesting|fun|exciting|enjoyable",
        ],
        PSEUDO: [
            "only|just|sure|certain|necessarily|matter|idea|doubt|know|decide|decided|wait|choose|mind"
            "|worries|problem|problems|bad|to_mention",
            "problem|problems with|about",
            "get enough of?",
            "stop|live without?",
            "tried|done|studied|taken|learned|learnt|considered|thought|heard|chosen|picked|been|had",
            "hate|hated|dislike|disliked|avoid|fear|mind|bother|bothers|bothered|fazed|phased|fussed|worried"
            "|scare|scares|frighten|faze|upset|worry|bore|bores|boring|dull|gross|scary|fear",
            f"{_FEELINGS}",
            f"{_FEELINGS}|bothered|fazed|phased|fussed|worried {_PREPOSITIONS}",
            "bad|rubbish|terrible|awful|useless at|with",
            "bother|bothers|scare|scares|frighten|frightens|faze|fazes|upset|upsets|worry|worries|bore|bores"
            " me",
            "gross|grosses|freak|freaks me out",
            "put|puts|turn|turns me off",
            "make|makes me feel? faint|sick|ill|queasy|squeamish|nervous|anxious|uncomfortable",
        ],
    }
)

_NEGATORS = _set(
    "not never no cannot cant dont doesnt didnt isnt arent wasnt werent wont wouldnt couldnt shouldnt "
    "aint mustnt neednt"
)
# "I haven't tried chemistry" reports what someone has done, not what they dislike.
_NOT_NEGATORS = frozenset({"havent", "hasnt", "hadnt"})
_PAST_BASE = frozenset({"do", "take", "study", "choose", "pick", "get", "try", "have"})
_ADVERBS = _set(
    "really very too that so particularly especially exactly overly super massively hugely all at "
    "much ever even actually remotely entirely totally the least bit longer easily personally "
    "honestly always"
)
_AUXILIARIES = _set("do does did would could will can should might must may shall am is are was were be")
_TURNS = _set("but however though although tho yet whereas while whilst instead so because cos coz cuz")
_SUBJECTS = frozenset({"i", "im", "ive"})
_SUBJECTS_RAW = frozenset({"i'd", "i'll"})
_NEW_SUBJECTS = _set(
    "i im id ive it its that thats my we you youre he she they theyre there theres this these"
)
_POSITIVE = _set(
    "love loves loved enjoy enjoys enjoyed prefer prefers preferred adore adores want wants wanna"
)
_POSITIVE_AFTER_AUX = frozenset({"like", "love", "prefer", "enjoy", "rather", "into"})
_AFTER_ID = _POSITIVE_AFTER_AUX | {"want", "be", "really", "quite"}
_AND_OR = frozenset({"and", "or"})
_RELATIVES = frozenset({"who", "whom", "whose", "that"})
_PEOPLE = _set(
    "people person someone somebody anyone those others kids children child babies baby patients patient "
    "adults men women boys girls family families parents brother sister friend friends mum dad gran granny "
    "grandad grandma grandpa elderly students pupils"
)
_AND_OR_SKIP = frozenset({"then", "also", "really", "still", "just", "actually", "do", "would"})
_AND_OR_TURNS = _NEW_SUBJECTS | _POSITIVE | {"like", "likes", "into", "prefer"}
# Words after which the subject of a post-cue ("... blood scares me") can start.
_CLAUSE_OPENERS = _set("like such as think reckon guess feel suppose believe find know say mean when if")
_VERBISH = _set(
    "is are am was were be been has have had do does did get gets got seem seems sound sounds look "
    "looks its thats theyre"
)
_TRAILING = _set(
    "and or nor also then really just much very anymore either too at all so tbh honestly actually "
    "lol to with of the a an about around in on for by like any kind sort bit when if it its that "
    "thats this there"
)


@dataclass(frozen=True)
class _Tokens:
    """The words and clause marks of a text: character offsets, matching keys and lower-case forms."""

    starts: list[int]
    ends: list[int]
    keys: list[str]
    raws: list[str]


def _tokens(text: str) -> _Tokens:
    """Split ``text`` into words and clause marks; a word's key is lower-case with no apostrophes."""
    starts, ends, keys, raws = [], [], [], []
    for match in _TOKEN.finditer(text):
        piece = match.group()
        raw = piece.lower().translate(_APOSTROPHES)
        key = raw.replace("'", "") if piece[0].isalnum() else _SYMBOL_KEYS.get(piece, _BOUNDARY)
        starts.append(match.start())
        ends.append(match.end())
        keys.append(key)
        raws.append(raw)
    return _Tokens(starts, ends, keys, raws)


def _longest(trie: dict, keys: list[str], at: int) -> tuple[int, str] | None:
    """The end and kind of the longest phrase in ``trie`` that starts at word ``at``."""
    node, best = trie, None
    for index in range(at, len(keys)):
        node = node.get(keys[index])
        if node is None:
            break
        if _END in node:
            best = (index + 1, node[_END])
    return best


class _Reader:
    """One left-to-right pass over the words, holding at most one open forward scope."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.keys = self.tokens.keys
        self.spans: list[NegatedSpan] = []
        self.cue: tuple[int, int] | None = None
        self.first = self.last = -1
        self.words = 0
        self.floor, self.floor_reason = 0, _CLAUSE
        self.rather = False

    def read(self) -> list[NegatedSpan]:
        """Every negated span of the text, in order."""
        index = 0
        while index < len(self.keys):
            index = self.step(index)
        self.close(len(self.keys))
        return self.spans

    def step(self, index: int) -> int:
        """Read the word at ``index`` and return where to read next."""
        if self.keys[index] == _BOUNDARY:
            self.close(index)
            self.rather = False
            self.raise_floor(index + 1, _CLAUSE)
            return index + 1
        cue = self.match_cue(index)
        if cue is not None:
            return self.apply_cue(*cue)
        reason = self.clause_turn(index)
        if reason is not None:
            self.close(index)
            self.raise_floor(index + 1, reason)
            return index + 1
        self.note_word(index)
        return index + 1

    def is_negator(self, index: int) -> bool:
        """Whether the word at ``index`` negates on its own ("not", "never", "isn't" ...)."""
        key = self.keys[index]
        if key in _NOT_NEGATORS:
            return False
        return key in _NEGATORS or self.tokens.raws[index].endswith("n't")

    def match_cue(self, index: int) -> tuple[int, int, str] | None:
        """The cue starting at ``index`` as (first word, end word, kind), or None."""
        found = _longest(_MAIN, self.keys, index)
        if found is not None:
            return index, found[0], found[1]
        if self.is_negator(index):
            return self.negator_cue(index)
        if self.keys[index] == "than" and self.rather:
            return index, index + 1, PRE
        return None

    def negator_cue(self, index: int) -> tuple[int, int, str]:
        """A negating word with what it takes along: "don't want to", "not a fan of", "isn't for me"."""
        keys = self.keys
        start = index - 1 if index - 1 >= self.floor and keys[index - 1] in _AUXILIARIES else index
        after = index + 1
        while after < len(keys) and after - index <= 3 and keys[after] in _ADVERBS:
            after += 1
        found = _longest(_AFTER_NEGATOR, keys, after)
        if found is None and after > index + 1:
            found = _longest(_AFTER_NEGATOR, keys, index + 1)
        if found is not None:
            return start, found[0], found[1]
        if keys[index] == "didnt" and after < len(keys) and keys[after] in _PAST_BASE:
            return start, after + 1, PSEUDO
        if self.describes_someone_else(start):
            return start, index + 1, PSEUDO
        return start, index + 1, PRE

    def describes_someone_else(self, start: int) -> bool:
        """ "people who can't hear", "kids that don't speak yet": a plain negator after a relative word
        describes other people, not something the writer dislikes."""
        relative, person = start - 1, start - 2
        return person >= 0 and self.keys[relative] in _RELATIVES and self.keys[person] in _PEOPLE

    def apply_cue(self, start: int, end: int, kind: str) -> int:
        """Open, read back or ignore a scope for the cue on words ``start`` to ``end``."""
        empty_scope = self.cue is not None and self.words == 0
        if kind == POST:
            # "I don't like chemistry and physics isn't for me": the post-cue takes the last part.
            start_back = self.last_and_or(start)
            if start_back is not None:
                self.close(start_back)
                self.raise_floor(start_back + 1, _CLAUSE)
        had_scope = self.close(start)
        if kind == PRE and empty_scope:
            # "don't want to avoid ..." and other negated negations read as positive.
            kind = PSEUDO
        if kind == PRE:
            self.cue, self.first, self.last, self.words = (start, end), -1, -1, 0
        elif kind == POST and not had_scope:
            self.read_back(start, end)
        self.raise_floor(end, _CLAUSE)
        return end

    def last_and_or(self, limit: int) -> int | None:
        """The last "and" or "or" inside the open scope before word ``limit``, if any."""
        if self.cue is None or self.first < 0:
            return None
        for index in range(min(self.last, limit - 1), self.first, -1):
            if self.keys[index] in _AND_OR:
                return index
        return None

    def clause_turn(self, index: int) -> str | None:
        """Why a new clause starts at ``index`` (a turn, a new subject, a positive verb), or None."""
        key, following = self.keys[index], self.next_key(index + 1)
        if key in _TURNS:
            self.rather = False
            return _CLAUSE
        if key in _SUBJECTS or self.tokens.raws[index] in _SUBJECTS_RAW:
            return _CLAUSE
        if key == "id" and following in _AFTER_ID:
            return _CLAUSE
        if key in _POSITIVE or (key in {"would", "am"} and following in _POSITIVE_AFTER_AUX):
            return _AFTER_POSITIVE
        if key in _AND_OR:
            later = index + 1
            while later < len(self.keys) and self.keys[later] in _AND_OR_SKIP:
                later += 1
            if self.next_key(later) in _AND_OR_TURNS:
                return _CLAUSE
        return None

    def next_key(self, index: int) -> str:
        """The key of the word at ``index``, or a clause mark past the end."""
        return self.keys[index] if index < len(self.keys) else _BOUNDARY

    def note_word(self, index: int) -> None:
        """Count an ordinary word into the open scope, closing it at the word limit."""
        key = self.keys[index]
        if key == "rather":
            self.rather = True
        if key in _CLAUSE_OPENERS:
            self.raise_floor(index + 1, _CLAUSE)
        if self.cue is None:
            return
        if self.first < 0:
            self.first = index
        self.last = index
        self.words += 1
        if self.words >= MAX_SCOPE_WORDS:
            self.close(index + 1)

    def raise_floor(self, index: int, reason: str) -> None:
        """Backward scopes may not reach before word ``index``."""
        if index >= self.floor:
            self.floor, self.floor_reason = index, reason

    def close(self, limit: int) -> bool:
        """End the open scope before word ``limit``; return whether a scope was open."""
        if self.cue is None:
            return False
        last = min(self.last, limit - 1)
        if self.first >= 0:
            self.emit(self.cue, self.first, last)
            self.raise_floor(last + 1, _CLAUSE)
        self.cue, self.first, self.last, self.words = None, -1, -1, 0
        return True

    def read_back(self, start: int, end: int) -> None:
        """Negate the words before a post-cue, back to the start of its clause."""
        first = max(self.floor, start - MAX_SCOPE_WORDS)
        cut = first
        for index in range(first, start):
            if self.keys[index] not in _AND_OR:
                continue
            # "I love computers and blood scares me": only "blood" scares.
            segment = self.keys[cut:index]
            if self.floor_reason == _AFTER_POSITIVE or not _VERBISH.isdisjoint(segment):
                cut = index + 1
        self.emit((start, end), cut, start - 1)

    def emit(self, cue: tuple[int, int], first: int, last: int) -> None:
        """Record words ``first`` to ``last`` as negated by ``cue``, less trailing small words."""
        while last >= first and self.keys[last] in _TRAILING:
            last -= 1
        if last < first:
            return
        starts, ends = self.tokens.starts, self.tokens.ends
        cue_start, cue_end = starts[cue[0]], ends[cue[1] - 1]
        self.spans.append(
            NegatedSpan(self.text[cue_start:cue_end], cue_start, cue_end, starts[first], ends[last])
        )


def negated_spans(text: str) -> list[NegatedSpan]:
    """Every negated stretch of ``text``, in order; the cue itself is never inside its scope."""
    if not isinstance(text, str) or not text:
        return []
    return _Reader(text).read()
