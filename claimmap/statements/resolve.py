"""Within-document speaker resolution.

Turns a speaker mention into a canonical name and a side:

* a registered actor named in the mention (alias, whole words; a person wins over an
  organisation: "Kremlin spokesman Dmitry Peskov" -> Dmitry Peskov; titles need no stripping:
  "President Putin" contains the alias "Putin");
* a role ("the Kremlin spokesman", "Ukraine's President") -> the person named with that role
  earlier in the document ("Kremlin spokesman Dmitry Peskov"), else the registry actor whose
  roles match;
* a relative pronoun ("Putin, who said") -> its antecedent;
* "he"/"she" -> the most recent person speaker (else the most recent PERSON named before);
  "it"/"they" -> the most recent non-person speaker;
* anything else -> the normalised mention (no leading article, titles stripped); a bare
  surname resolves to an earlier full name ("Smith" -> "John Smith"); side None.
"""

from __future__ import annotations

import bisect
import re

from claimmap.statements.actors import TITLES, Registry, norm

PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}  # possessives of a noun cue: "his claim that"
GROUP_PRONOUNS = {"it", "they", "them", "its", "their"}
SELF_PRONOUNS = {"i", "me", "we", "us", "you", "my", "our", "your", "'s", "’s"}  # "'s" as in "let's say"  # the writer / reader: never an earlier speaker
# how far back (characters) a pronoun looks for its antecedent speaker
WINDOW = {"person": 1500, "group": 400}


def _strip_titles(name: str) -> str:
    words = name.split()
    # drop leading titles/adjectives of office while a capitalised name follows
    titles = {t.strip(".") for t in TITLES}
    while len(words) > 1 and (words[0].lower().strip(".") in titles
                              or words[0].lower().endswith("'s") or words[0].lower().endswith("’s")) and (
            words[1][:1].isupper() or words[1].lower().strip(".") in titles):
        # ("chairman of the Conservative Party" keeps its head: "of …" is not a name)
        words = words[1:]
    return " ".join(words)


def unknown_canonical(mention: str) -> str:
    t = " ".join(mention.split()).strip(" ,.;:\"'“”‘’()")
    t = re.sub(r"^(the|a|an)\s+", "", t, flags=re.I)
    t = re.sub(r"['’]s$", "", t)
    t = re.sub(r"(?<=\w)\s*\([\w.&’'-]{1,12}\)?$", "", t)  # "… Association (UCEA)": the short form after the name
    words = t.split()
    # a descriptor before a name: "14th-ranked Schwartzman", "veteran coach Jane Doe"
    if len(words) > 1 and words[-1][:1].isupper() and not words[0][:1].isupper() and not any(
            w.lower() in ("of", "among") for w in words[:-1]):  # (a share of a group: "70 percent of Americans")
        while len(words) > 1 and not words[0][:1].isupper():
            words = words[1:]
        t = " ".join(words)
    # keep titles when nothing proper-noun-like follows ("the spokesman" stays "spokesman")
    if len(words) > 1 and any(w[:1].isupper() for w in words[1:]):
        t = _strip_titles(t)
    return t


AMBIGUITY_BEFORE = 250  # characters before the candidate's mention where a rival counts
GENDER_OF_PRONOUN = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
HONORIFIC = re.compile(r"\b(?:(?P<m>Mr)|(?P<f>Mrs|Ms|Miss))\.?\s+$")
HONORIFIC_IN = re.compile(r"(?:(?P<m>Mr)|(?P<f>Mrs|Ms|Miss))\.?\s")
_MALE = {"spokesman", "chairman", "congressman", "businessman", "king", "prince", "father", "son",
         "husband", "brother", "mr", "mr.", "sir", "lord", "actor", "uncle", "boy", "man", "councilman"}
_FEMALE = {"spokeswoman", "chairwoman", "congresswoman", "businesswoman", "queen", "princess",
           "mother", "daughter", "wife", "sister", "mrs", "mrs.", "ms", "ms.", "miss", "lady", "actress",
           "aunt", "girl", "woman", "councilwoman"}


def _gender_words(mention: str) -> str | None:
    words = {w.strip(",.'’\"").lower() for w in mention.split()}
    m, f = bool(words & _MALE), bool(words & _FEMALE)
    return "m" if m and not f else "f" if f and not m else None


def _plural(name: str) -> bool:
    """A plural common noun ("officials", "Democrats"), by its last word."""
    last = name.split()[-1].lower() if name.split() else ""
    return len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is", "ics"))


def _is_name(mention: str) -> bool:
    """Two or more capitalised words after any leading article: a proper name ("Anna Kowalska"),
    not a role ("The ministry's spokeswoman")."""
    words = re.sub(r"^(the|a|an)\s+", "", " ".join(mention.split()), flags=re.I).split()
    caps = [w for w in words if w[:1].isupper()]
    return len(caps) >= 2 and len(caps) * 2 >= len(words)


#: how far back (characters) a role noun looks for the person named with that role
ROLE_WINDOW = 3000
#: head nouns that are no role a named person holds in the text
NOT_ROLES = {"company", "firm", "group", "government", "ministry", "department", "agency", "statement",
             "report", "study", "court", "commission", "committee", "police", "team", "club", "country",
             "state", "city", "administration", "campaign", "party", "organization", "organisation",
             "office", "board", "council", "union", "university", "website", "description", "survey"}


#: how far back (characters) "the company said" looks for the organisation it stands for
ORG_WINDOW = 400


def _org_key(name: str) -> str:
    """An organisation's name compared: lower case, no leading article or trailing possessive."""
    t = re.sub(r"^(the)\s+", "", " ".join(name.split()).lower())
    return re.sub(r"['’]s?$", "", t).strip(" ,.;:\"“”")


def _acronym_of(short: str, long: str) -> bool:
    """"cbp" for "customs and border protection"."""
    initials = "".join(w[0] for w in long.split() if w not in ("and", "of", "for", "the", "&"))
    return short.replace(".", "") == initials


#: abbreviated titles written before a name, by the role noun they stand for ("Gov. Eric Holcomb"
#: is the one "the governor" refers to)
ROLE_ABBREVIATIONS = {
    "governor": ("gov.",), "senator": ("sen.",), "representative": ("rep.",), "congressman": ("rep.",),
    "congresswoman": ("rep.",), "general": ("gen.",), "lieutenant": ("lt.",), "sergeant": ("sgt.",),
    "captain": ("capt.",), "colonel": ("col.",), "professor": ("prof.",), "doctor": ("dr.",),
    "detective": ("det.",), "superintendent": ("supt.",), "commissioner": ("commr.",),
}


#: last words of an institution's name that an "on …" continues ("Institute on Drug Abuse")
ORG_HEADS = {"institute", "council", "committee", "commission", "center", "centre", "office", "bureau",
             "agency", "association", "foundation", "society", "board", "panel", "task", "force", "forum",
             "conference", "coalition", "alliance", "network", "project", "initiative", "caucus"}
_ON_NAME = re.compile(r"[ \t]+on[ \t]+(?:the[ \t]+)?[A-Z][\w&'’-]*(?:[ \t]+(?:and[ \t]+|&[ \t]+)?[A-Z][\w&'’-]*)*")
_POST_MODIFIER = re.compile(r"[ \t]+(?:of|at|from|in|for|with)[ \t]+(?:the[ \t]+)?[a-zA-Z]")
_TWO_NAMES = re.compile(r"^(?:both\s+)?([A-Z][\w'’-]+)\s+and\s+([A-Z][\w'’-]+)$")
_TITLE_GAP = re.compile(r"[ \t]+((?:Vice |Deputy |Prime )?[A-Z][a-z.]+)[ \t]+")
_ROLE_GAP = re.compile(r"(?:-[a-z][\w-]*)?(?:[ \t]+[a-z][\w-]*){0,3}[ \t]+")
#: last words of a company's or an institution's name, never a person's
COMPANY_WORDS = {"inc", "corp", "co", "ltd", "llc", "plc", "group", "holdings", "bank", "party", "university",
                 "college", "school", "hospital", "times", "post", "news", "press", "capital", "partners",
                 "securities", "fund", "trust", "media", "motors", "airlines", "systems", "technologies",
                 "productions", "records", "studios", "pictures", "entertainment", "industries", "enterprises",
                 "communications", "networks", "labs", "pharmaceuticals", "brands", "foods", "airways"}
#: endings of role nouns written before a person's name ("editor-in-chief", "co-author", "analyst")
ROLE_ENDINGS = ("er", "or", "ist", "yst", "ian", "ant", "ent", "ief", "man", "woman", "person", "chair",
                "head", "official", "aide", "expert", "coach", "fellow", "scholar")
NOT_ROLE_WORDS = {"after", "under", "over", "whether", "either", "neither", "other", "for", "or", "nor",
                  "per", "later", "ever", "never", "rather", "together", "however", "sooner", "than",
                  "went", "meant", "sent", "spent", "want", "recent", "urgent", "current", "different"}


def _role_word(word: str) -> bool:
    """A lower-case word that can be a role before a name ("co-author", "editor-in-chief")."""
    w = word.lower().strip(".,")
    return w in TITLES or (w not in NOT_ROLE_WORDS and w.endswith(ROLE_ENDINGS) and len(w) > 3)


#: head nouns of a description that is one person ("a company spokesman", "a spokesperson for
#: the association", "the club's head coach"): "he said" after it is that person
PERSON_ROLES = (TITLES - {"foreign", "defence", "defense", "former", "vice", "deputy", "prime", "chief"}) | {
    "official", "aide", "expert", "coach", "analyst", "lawyer", "attorney", "doctor", "physician",
    "witness", "officer", "executive", "founder", "owner", "manager", "teacher", "scientist",
    "researcher", "economist", "author", "editor", "adviser", "advisor", "diplomat", "source",
    "prosecutor", "investigator", "detective", "sheriff", "nurse", "surgeon", "president", "ceo"}
_HEAD_CUT = re.compile(r"\s+(?:of|at|from|in|for|with|who|which|that)\s|[(,]")


def _person_role(mention: str) -> bool:
    """A description of one person by their role: its head noun (the last word before a
    post-modifier) is a singular person role."""
    head = _HEAD_CUT.split(" ".join(mention.split()), maxsplit=1)[0].strip(" .;:'’\"”").split()
    if not head or head[-1][:1].isupper() and len(head) == 1:
        return False
    w = head[-1].lower()
    return w in PERSON_ROLES or (w.endswith(("man", "woman", "person")) and w not in ("human", "german"))


_NAME_BEFORE_HYPHEN = re.compile(r"(?:[A-Z][\w'’]*[ \t]+)*[A-Z][\w'’]*-$")


def _is_capitalised(mention: str) -> bool:
    """Every word after a leading article is capitalised and none is a title: a name
    ("Dempsey"), not a role ("Ukraine's President")."""
    words = re.sub(r"^(the|a|an)\s+", "", " ".join(mention.split()), flags=re.I).split()
    return bool(words) and all(w[:1].isupper() and w.lower().strip(".,'’") not in TITLES
                               and not w.endswith(("'s", "’s")) for w in words)


class Resolver:
    def __init__(self, registry: Registry, text: str, persons: list[tuple[int, int]] | None = None, *,
                 orgs: list[tuple[int, int]] | None = None, org_nouns=()):
        self.reg = registry
        self.text = text
        self.persons = sorted(persons or [])  # NER PERSON spans, for pronoun fallback
        self.orgs = sorted(orgs or [])  # NER ORG (and PERSON) spans: rivals of "the company said"
        self.org_nouns = set(org_nouns)  # head nouns of such descriptions (cues.toml org_nouns)
        self.inside: tuple[int, int] = (0, 0)  # the content of the statement being resolved
        self.contents: list[tuple[int, int]] = []  # the contents of every statement (what was said)
        # history of resolved speakers: (offset, canonical, side, is_person, mention)
        self.history: list[tuple[int, str, str | None, bool, str]] = []
        self._norms: dict[str, str] = {}
        self._named: set[str] | None = None  # canonicals of registered actors the text names
        self.gender: dict[str, str] = {}  # canonical person name -> "m" / "f", when the text shows it
        self._honorific: dict[str, str | None] = {}  # surname -> gender of its "Mr."/"Ms." mentions
        for s, e in self.persons:
            m = HONORIFIC.search(text, max(0, s - 8), s) or HONORIFIC_IN.match(text, s, e)
            last = text[s:e].split()[-1:]
            if m and last:
                g = m.lastgroup
                self._honorific[last[0]] = g if self._honorific.get(last[0], g) == g else None

    def _norm(self, mention: str) -> str:
        n = self._norms.get(mention)
        if n is None:
            n = self._norms[mention] = norm(mention)
        return n

    # -------------------------------------------------------------------------- naming
    def by_name(self, mention: str, *, person_hint: bool = False):
        """(canonical, side, is_person) from the registry for a name-bearing mention, or None."""
        hits = self.reg.find_all(mention)
        if not hits:
            return None
        persons = [h for h in hits if h[2].is_person]
        if persons:
            names = list(dict.fromkeys(h[2].canonical for h in persons))
            if len(names) == 1:
                a = persons[0][2]
                return a.canonical, a.side, True
            sides = {h[2].side for h in persons}
            return " and ".join(names), (sides.pop() if len(sides) == 1 else None), True
        low = " ".join(mention.split()).lower()
        names = list(dict.fromkeys(h[2].canonical for h in hits))
        if len(names) > 1 and re.search(r"\b(and|&)\b", low):
            sides = {self.reg.side_of(n) for n in names}
            return " and ".join(names), (sides.pop() if len(sides) == 1 else None), False
        # the longest alias match (the regex is longest-first per position; pick the longest)
        best = max(hits, key=lambda h: h[1] - h[0])[2]
        return best.canonical, best.side, best.is_person

    def by_role(self, mention: str, offset: int | None = None):
        m = norm(mention)
        if not m:
            return None
        if _is_capitalised(mention):
            return None  # a name ("Dempsey"), not a role: "Dempsey and his team" is not him
        # an earlier mention "Kremlin spokesman Dmitry Peskov" names the role holder
        hit = self._role_in(reversed(self.history), m)
        if hit is not None:
            return hit
        held = self._role_holder(mention, offset)
        if held is not None:
            return held
        org = self._org_holder(mention, offset)
        if org is not None:
            return org
        a = self.reg.by_role(mention)
        if a and (" " in norm(mention) or self._in_context(a)):
            # a one-word role ("the commission") is a registered actor only in an article naming it
            # or another party of its conflict
            return a.canonical, a.side, a.is_person
        return None

    def _in_context(self, actor) -> bool:
        named = self._named_actors()
        if actor.canonical in named:
            return True
        conflict = self.reg.conflict_of(actor.side)
        return conflict is not None and any(
            self.reg.conflict_of(self.reg.side_of(n)) == conflict for n in named)

    def _role_in(self, history, m: str):
        if m.split()[-1] in NOT_ROLES:
            return None  # "police" is not "police commissioner Chris Tang"
        pat = re.compile(r"(?<!\w)" + re.escape(m) + r"(?!\w)")
        seen = 0
        for off, canonical, side, is_person, prev in history:
            if not is_person:
                continue
            seen += 1
            if seen > 100:  # long documents: look at 100 person mentions only
                break
            pm = self._norm(prev)
            if pm != m and pat.search(pm) and _is_name(canonical):
                return canonical, side, is_person
        return None

    def later_role(self, mention: str, offset: int):
        """A role speaker left as it is ("China's ambassador to Britain accused …") named later in
        the article ("China's ambassador to Britain Liu Xiaming has said"): that person."""
        m = norm(mention)
        if not m or _is_capitalised(mention) or _plural(m) or m.split()[0] in PERSON_PRONOUNS | GROUP_PRONOUNS:
            return None
        return self._role_in((h for h in self.history if h[0] > offset), m)

    def _named_actors(self) -> set[str]:
        if self._named is None:
            self._named = {h[2].canonical for h in self.reg.find_all(self.text)}
        return self._named

    def _role_holder(self, mention: str, offset: int | None):
        """The person named with this role earlier in the text, by the NER: "The president said"
        after "President Donald Trump", "the singer and guitarist" after "singer and guitarist Pat
        Simmons", "the commander" after "Cheuk Hau-yip, the commander of …". Only for a definite
        role noun phrase with no name in it; the most recent such person within ROLE_WINDOW."""
        low = " ".join(mention.split()).lower()
        # a name in the role ("The Wikileaks founder") must stand before the holder's name too
        # ("Wikileaks co-founder Julian Assange"); the role's head is never a name
        names = [w.strip(",.;:'’\"") for w in mention.split()[1:] if w[:1].isupper()]
        if offset is None or not low.startswith("the ") or _plural(low) or (
                names and (mention.split()[-1][:1].isupper() or len(names) > 2)):
            return None
        head = low.split()[-1].strip(",.;:'’\"")
        if len(head) < 3 or head in NOT_ROLES:
            return None
        heads = "|".join(re.escape(h) for h in (head, *ROLE_ABBREVIATIONS.get(head, ())))
        # "… Gov. Eric Holcomb" for "the governor"; "The suspect, Michael Webb" for "the suspect"
        before = re.compile(r"(?<![\w'’])(?:" + heads + r")(?![\w'’]),?(?:\s+\S+){0,2}\s*$", re.I)
        after = re.compile(r"^\s*,\s+(?:(?:the|a|an|its|his|her|their)\s+|\S+['’]s\s+)?(?:[\w.-]+\s+){0,2}?"
                           + re.escape(head) + r"(?![\w'’])", re.I)
        hi = bisect.bisect_left(self.persons, (offset, -1))
        holders: list[tuple[int, int]] = []
        for s, e in reversed(self.persons[max(0, hi - 30):hi]):
            if e > offset or offset - e > ROLE_WINDOW:
                continue
            lead = self.text[max(0, s - 40):s].split("\n")[-1]
            if names and not all(re.search(r"(?<![\w'’])" + re.escape(n) + r"(?![\w'’])", lead) for n in names):
                continue
            if before.search(lead) or after.match(self.text[e:e + 80]):
                holders.append((s, e))
        if not holders:
            # only a noun for a person ("the real estate agent"), not "the scan", "the video"
            if names or not (_role_word(head) or head in _MALE or head in _FEMALE):
                return None
            subject = self._previous_subject(offset)
            if subject is None:
                return None
            return self._resolve_name(self._person_name(*subject), True, subject[0])
        if len(holders) > 1:
            # two people named with the role ("Gov. Eric Holcomb" … "Kentucky Gov. Matt Bevin"): the
            # one the text mentions last, by any mention of their name ("Holcomb's office")
            def last_seen(p: tuple[int, int]) -> int:
                surname = self.text[p[0]:p[1]].split()[-1]
                seen = self.text.rfind(surname, p[1], offset)
                while seen >= 0 and (self.text[seen - 1:seen].isalnum()
                                     or self.text[seen + len(surname):seen + len(surname) + 1].isalnum()):
                    seen = self.text.rfind(surname, p[1], seen)
                return max(seen, p[1])
            holders.sort(key=last_seen, reverse=True)
        s, e = holders[0]
        return self._resolve_name(self._person_name(s, e), True, s)

    def _org_holder(self, mention: str, offset: int | None):
        """The organisation a generic definite description stands for ("the company", "the
        production company", "the agency" said): the organisation that spoke last, within
        ORG_WINDOW characters ("CBP announced … At the time, the agency said"); None when a
        person spoke since, or another organisation was named since outside what was said
        ("Swift accused Big Machine of blocking a Netflix documentary. The company denied")."""
        words = " ".join(mention.split()).split()
        if offset is None or not 2 <= len(words) <= 3 or words[0].lower() != "the" or \
                words[-1].lower().strip(",.;:'’\"") not in self.org_nouns or \
                any(w[:1].isupper() for w in words[1:]) or _plural(words[-1].lower()):
            return None
        lo = offset - ORG_WINDOW
        cand = None
        for off, canonical, side, is_person, _prev in reversed(self.history):
            if off < lo:
                return None
            if off >= offset or self.inside[0] <= off < self.inside[1]:
                continue
            if is_person and canonical.split()[-1].lower().strip(".,") not in COMPANY_WORDS:
                return None  # a person spoke since: "the company" may be anyone's
            if (_is_capitalised(canonical) or _is_name(canonical)) and canonical.lower() not in GROUP_PRONOUNS:
                cand = (off, canonical, side)
                break
            return None
        if cand is None:
            return None
        # another organisation (or a person: the NER reads some companies as people) named since,
        # outside what was said, makes it ambiguous
        key = _org_key(cand[1])
        for a, b in self.orgs:
            if cand[0] < a and b <= offset and not any(s <= a < e for s, e in self.contents):
                k = _org_key(self.text[a:b])
                if k and k != key and k not in key and key not in k and not _acronym_of(k, key):
                    return None
        return cand[1], cand[2], False

    def _previous_subject(self, offset: int) -> tuple[int, int] | None:
        """The PERSON that opens the sentence before a sentence-initial role ("Eyamba Sowers didn't
        know … . The real estate agent said …"): a definite description that follows a person
        introduced as the subject refers back to them. None when the role does not open its
        sentence or the sentence before does not open with a PERSON."""
        before = self.text[max(0, offset - 600):offset]
        if before.strip() and not re.search(r"[.!?][\"'”’)]*\s*$", before):
            return None  # the role is not sentence-initial
        body = before.rstrip()
        body = re.sub(r"[.!?][\"'”’)]*$", "", body)
        starts = [m.end() for m in re.finditer(r"(?:^|[.!?][\"'”’)]*\s+|\n\s*)", body)]
        if not starts:
            return None
        start = max(0, offset - 600) + starts[-1]
        lo = bisect.bisect_left(self.persons, (start, -1))
        if lo < len(self.persons) and self.persons[lo][0] == start and self.persons[lo][1] <= offset:
            return self.persons[lo]
        for off, canonical, _side, _is_person, prev in reversed(self.history):
            # a speaker the NER missed: a proper name that opens the sentence and is no
            # registered organisation
            if off == start and _is_name(prev) and _is_name(canonical) and not any(
                    not h[2].is_person for h in self.reg.find_all(prev)):
                return off, off + len(prev)
            if off < start:
                break
        return None

    def peek(self, mention: str, offset: int, **kw):
        """(canonical, side) of a mention, as ``resolve`` gives it, without recording it."""
        n = len(self.history)
        try:
            return self.resolve(mention, offset, **kw)
        finally:
            del self.history[n:]

    def resolve(self, mention: str, offset: int, *, pronoun: bool = False, person: bool = False,
                antecedent: str | None = None, appos: str | None = None, author: str | None = None):
        """(canonical, side) for a mention; records it for later pronouns/roles."""
        low = mention.lower().strip()
        res = None
        if antecedent:
            res = self._resolve_name(antecedent, person)
        elif low in SELF_PRONOUNS:
            # "I think …" in a comment is its author; elsewhere the pronoun stays as it is
            return (author or ("us" if low in ("'s", "’s") else mention.strip())), None
        elif pronoun or low in PERSON_PRONOUNS | GROUP_PRONOUNS:
            want_person = low in PERSON_PRONOUNS
            window = WINDOW["person" if want_person else "group"]
            g = GENDER_OF_PRONOUN.get(low)
            cand_at = offset
            for off, canonical, side, is_person, prev in reversed(self.history):
                if offset - off > window:
                    break
                if want_person and not is_person and _person_role(prev):
                    # "a company spokesman said …. “…,” he said": the role is the person, unless a
                    # named person came after it ("the chairman said … . Johnson is under fire
                    # … . He urged"), whom the named-person search below finds
                    if any(off < p[0] < offset and self._gender_at(*p) in (None, g) for p in
                           self.persons[bisect.bisect_left(self.persons, (off, -1)):bisect.bisect_left(self.persons, (offset, -1))]):
                        break
                    is_person = True
                if off < offset and is_person == want_person and canonical.lower() not in (
                        PERSON_PRONOUNS | GROUP_PRONOUNS | SELF_PRONOUNS):
                    if low in ("it", "its") and side is None and _plural(canonical):
                        continue  # "it" is not "Officials"
                    if g and " and " in _HEAD_CUT.split(canonical, maxsplit=1)[0]:
                        continue  # "he" is not "Dempsey and his team" (but "a spokesperson for X and Y" is one)
                    if g and (self.gender.get(canonical) or self._honorific.get(canonical.split()[-1])
                              or g) != g:
                        continue  # "she" is not the man quoted last
                    res = (canonical, side, is_person)
                    cand_at = off
                    break
            if res is None and want_person:
                hi = bisect.bisect_left(self.persons, (offset, -1))
                before = [p for p in self.persons[max(0, hi - 20):hi] if p[1] <= offset and offset - p[1] <= window]
                if g:
                    before = [p for p in before if self._gender_at(*p) in (None, g)]
                if before:
                    s, e = before[-1]
                    res = self._resolve_name(self._person_name(s, e), True, offset)
                    cand_at = s
            if res is not None and g and want_person and self._ambiguous(res[0], g, offset, cand_at):
                res = None  # two people it could be and nothing tells them apart: leave "he"
            elif res is not None and g and want_person:
                self.gender.setdefault(res[0], g)
            if res is None:
                res = (mention.strip(), None, want_person)
            # pronouns do not enter the history as new mentions, but refresh recency
            self.history.append((offset, res[0], res[1], res[2], res[0]))
            return res[0], res[1]
        else:
            mention, offset = self._whole_name(mention, offset)
            # a PERSON that ends the mention is its head ("Agriculture Minister Jane Doe", not
            # "Hitler's Germany")
            lo = bisect.bisect_left(self.persons, (offset, -1))
            inner = []
            for p in self.persons[lo:]:
                if p[0] >= offset + len(mention):
                    break
                if p[1] <= offset + len(mention) and (not mention[p[1] - offset:].strip(" ,.;:'’\"”")
                                                      or _POST_MODIFIER.match(mention, p[1] - offset)):
                    inner.append(p)  # "… Jane Doe" / "Jane Doe of the city hospital"
            both = _TWO_NAMES.match(mention)
            if both:
                # "both Vindman and Williams": each surname resolved to its full name
                a, b = (self._resolve_name(both.group(i), True, offset) for i in (1, 2))
                if a[2] and b[2] and " " in a[0] and " " in b[0]:
                    res = (f"{a[0]} and {b[0]}", a[1] if a[1] == b[1] else None, True)
                    self.history.append((offset, res[0], res[1], True, mention))
                    return res[0], res[1]
            named = self._appos_person(appos, offset, mention) if appos else None
            if inner and not any(h[2].is_person for h in self.reg.find_all(mention)):
                # "Agriculture Minister Jane Doe" -> the PERSON inside the mention
                s, e = inner[-1]
                res = self._resolve_name(self._person_name(s, e), True, offset)
            elif named is not None:
                # "another witness, former White House Russia adviser Fiona Hill, said": the
                # person the apposition ends with, not the institution in her title
                res = self._resolve_name(named, True, offset)
            else:
                res = self._resolve_name(mention, person, offset)
            if appos and named is None and res[1] is None:
                alt = self._resolve_name(appos, person)
                if alt[1] is not None and (alt[2] or not (res[2] or _is_name(res[0]))):
                    # (a person keeps their name: "Lucas Paganini, a scientist at … in Washington")
                    res = alt
                elif _is_name(appos) and not _is_name(mention) and not _is_name(res[0]):
                    # "The ministry's spokeswoman, Anna Kowalska, said": the apposition names her
                    # ("The group that owns her music, Big Machine, says": it names the group)
                    org = mention.split()[-1].lower().strip(",.;:'’\"") in self.org_nouns | NOT_ROLES or \
                        appos.split()[-1].lower().strip(".,") in COMPANY_WORDS
                    res = self._resolve_name(appos, not org, offset)
        if res[2] or _person_role(mention):
            g = self._gender_at(offset, offset + len(mention)) or _gender_words(f"{mention} {appos or ''}")
            if g:
                self.gender.setdefault(res[0], g)
        self.history.append((offset, res[0], res[1], res[2], mention if not appos else f"{appos} {mention}"))
        return res[0], res[1]

    def _appos_person(self, appos: str, offset: int, mention: str) -> str | None:
        """The person an apposition of a role ends with ("another witness in the probe, former
        White House Russia adviser Fiona Hill"; "Another diplomat, former special envoy to Ukraine
        Kurt Volker"): that PERSON's name, when the mention itself names no person. None when the
        apposition ends with no PERSON, or the mention is a name ("Lucas Paganini, a scientist
        at …")."""
        if _is_name(mention) or any(h[2].is_person for h in self.reg.find_all(mention)):
            return None
        at = self.text.find(appos, offset, offset + len(mention) + len(appos) + 80)
        if at < 0:
            return None
        end = at + len(appos.rstrip(" ,.;:'’\"”)"))
        lo = bisect.bisect_left(self.persons, (at, -1))
        for s, e in self.persons[lo:]:
            if s >= end:
                break
            if e == end and (s > at or _is_name(appos)):
                name = self._person_name(s, e)
                if not any(not h[2].is_person for h in self.reg.find_all(name)) or len(name.split()) >= 2:
                    return name
        # a name the NER missed: the two or three capitalised words the apposition ends with,
        # after a role word or a registered place ("former special envoy to Ukraine Kurt Volker")
        words = appos[:end - at].split()
        run: list[str] = []
        while len(run) < len(words) and words[-1 - len(run)][:1].isupper():
            run.insert(0, words[-1 - len(run)])
        stripped = False
        while run and (a := self.reg.by_alias(run[0])) is not None and not a.is_person:
            run, stripped = run[1:], True
        if 2 <= len(run) <= 3 and len(run) < len(words) and not self.reg.find_all(" ".join(run)) \
                and all(w.isalpha() or w.endswith(".") and len(w) == 2 for w in run[:-1]) \
                and run[-1].strip(".,").isalpha() and run[-1].lower() not in ORG_HEADS | COMPANY_WORDS:
            prev = words[len(words) - len(run) - 1]
            if stripped or _role_word(prev):
                return " ".join(run)
        return None

    def _person_name(self, s: int, e: int) -> str:
        """A PERSON span without a place the NER ran into it: "(ambassador to) Britain Liu
        Xiaming" -> "Liu Xiaming"."""
        words = self.text[s:e].split()
        if len(words) >= 3:
            a = self.reg.by_alias(words[0])
            if a is not None and not a.is_person:
                words = words[1:]
        return " ".join(words)

    def _whole_name(self, mention: str, offset: int) -> tuple[str, int]:
        """(mention, offset) widened to the whole name the parse cut: a hyphenated name split at
        its hyphen ("Cheuk Hau-" + "yip") and an institution's "on …" ("The National Institute" +
        " on Drug Abuse", "Council on Foreign Relations")."""
        t = self.text
        if offset > 1 and t[offset - 1] == "-" and t[offset - 2].isalpha():
            m = _NAME_BEFORE_HYPHEN.search(t, max(0, offset - 60), offset)
            if m:
                mention, offset = t[m.start():offset] + mention, m.start()
        # "CPUC President Marybel Batjer said" parsed with "CPUC" as the subject: the title and
        # the person that follow belong to it
        end = offset + len(mention)
        m = _TITLE_GAP.match(t, end)
        if m and m.group(1).split()[-1].lower().strip(".") in TITLES and mention[-1:].isalnum():
            hi = bisect.bisect_left(self.persons, (m.end(), -1))
            if hi < len(self.persons) and self.persons[hi][0] == m.end():
                return t[offset:self.persons[hi][1]], offset
        # "Wikileaks editor-in-chief Kristinn Hrafnsson said" parsed with "Wikileaks", "study
        # co-author Anezina Solomonidou" cut at the hyphen: lower-case role words and the person
        # that follows them belong to it
        m = _ROLE_GAP.match(t, end)
        if m and m.group(0).strip() and mention[-1:].isalnum():
            gap = m.group(0).split()
            if gap and gap[0].startswith("-"):
                gap[0] = (mention.split() or [""])[-1] + gap[0]
            hi = bisect.bisect_left(self.persons, (m.end(), -1))
            if gap and all(_role_word(w) for w in gap) and hi < len(self.persons) \
                    and self.persons[hi][0] == m.end():
                return t[offset:self.persons[hi][1]], offset
        words = mention.split()
        if words and words[-1].lower().strip(".,") in ORG_HEADS and words[-1][:1].isupper():
            end = offset + len(mention)
            m = _ON_NAME.match(t, end)
            if m:
                mention = t[offset:m.end()]
        return mention, offset

    def _gender_at(self, s: int, e: int) -> str | None:
        """Gender a person mention shows: an honorific before it ("Mr.", "Ms.") or what is known
        of its name."""
        m = HONORIFIC.search(self.text, max(0, s - 8), s)
        if m:
            return m.lastgroup
        last = self.text[s:e].split()[-1:] or [""]
        if self._honorific.get(last[0]):
            return self._honorific[last[0]]
        for name, g in self.gender.items():
            if name.split()[-1:] == last:
                return g
        return None

    def _ambiguous(self, canonical: str, g: str, offset: int, cand_at: int) -> bool:
        """Another person of the same (or unknown) gender named between the candidate's mention
        (or just before it) and the pronoun, when the candidate's own gender is unknown."""
        lo = cand_at - AMBIGUITY_BEFORE
        if (self.gender.get(canonical) or self._honorific.get(canonical.split()[-1] if canonical.split() else "")) == g:
            return False
        last = canonical.split()[-1:]
        hi = bisect.bisect_left(self.persons, (offset, -1))
        for s, e in self.persons[max(0, hi - 20):hi]:
            if e > offset or s < lo:
                continue
            name = self.text[s:e].split()
            if name[-1:] != last and canonical not in self.text[s:e] and self._gender_at(s, e) in (None, g) and not any(
                    not h[2].is_person for h in self.reg.find_all(self.text[s:e])):
                return True
        for off, other, _side, is_person, _m in reversed(self.history):
            if off < lo:
                break
            if is_person and other != canonical and other.split()[-1:] != last and " and " not in other and not (
                    other.startswith(canonical + " ")) and other.lower() not in (
                    PERSON_PRONOUNS | GROUP_PRONOUNS | SELF_PRONOUNS) and self.gender.get(other, g) == g:
                return True
        return False

    def _resolve_name(self, mention: str, person: bool, offset: int | None = None):
        words = mention.split()
        if person and len(words) >= 3 and _is_name(mention):
            a = self.reg.by_alias(words[0])
            if a is not None and not a.is_person and words[1].lower().strip(".") not in TITLES:
                # "(ambassador to) Britain Liu Xiaming", not "US Secretary of State Mike Pompeo"
                mention = " ".join(words[1:])
        hit = self.by_name(mention, person_hint=person)
        if hit and hit[2]:
            return hit
        exact = self.reg.by_alias(mention)
        if exact is not None:  # the whole mention is a name ("the Kremlin"), not a role
            return exact.canonical, exact.side, exact.is_person
        role = self.by_role(mention, offset)
        if role:
            return role
        if hit:
            return hit
        canon = unknown_canonical(mention)
        # a bare surname refers to an earlier full name (a speaker, else a PERSON named before)
        if canon and " " not in canon and canon[:1].isupper():
            for off, prev, side, is_person, _m in reversed(self.history):
                # a joint speaker ("Tom Harper and Jessie Buckley") lends one of its names only
                for part in (prev.split(" and ") if is_person and " and " in prev else [prev]):
                    if part.endswith(" " + canon) and " and " not in part:
                        if part != prev:
                            return part, self.reg.side_of(part), True
                        return prev, side, is_person
            hi = bisect.bisect_left(self.persons, (offset, -1)) if offset is not None else 0
            for s, e in reversed(self.persons[max(0, hi - 300):hi]):
                full = " ".join(self.text[s:e].split())
                if full.endswith(" " + canon) and len(full.split()) <= 4:
                    return _strip_titles(full), None, True
            # a family name written first ("Liu" for "Liu Xiaming"): one earlier speaker only
            firsts = {prev for _o, prev, _s, is_person, _m in self.history
                      if is_person and prev.startswith(canon + " ") and len(prev.split()) == 2}
            if len(firsts) == 1:
                prev = firsts.pop()
                return prev, self.reg.side_of(prev), True
        return canon or mention, None, person
