"""Read HKSAR Government press releases in Traditional Chinese about co-chaired meetings.

The Chinese twin of `meetings.parsing` (pure standard library, no Django), returning the
same `ParsedMeeting` with its texts in Chinese. What it reads, as the government writes it:

* the number: 第五次會議, 第十一次會議 (Chinese numerals or digits);
* the date: 今日（七月三十一日）, or 今日 alone (the day the release was issued);
* the place (在香港科學園, 在深圳) or the mode (以視像會議形式);
* the co-chairs: A與B…共同主持, 會議由A與B共同主持, or A率領香港特區政府代表團，與B率領的
  深圳市代表團; each a post, a name and an honorific (創新科技及工業局局長孫東教授);
* the officials named with their posts, and the bodies represented (發展局、政制及內地事務局
  ……和香港海關的代表), on the side the sentence states (香港方面, 深圳方面);
* the bodies that briefed the meeting (聽取了……匯報);
* the publication date of the trailer (完 / 2024年8月30日（星期五）).

Rule number one, as in English: never invent. What cannot be read for certain is left
empty and said in ``review_notes``.
"""

from __future__ import annotations

import datetime as dt
import re

from meetings.parsing import (
    MODE_IN_PERSON,
    MODE_UNKNOWN,
    MODE_VIDEO,
    ROLE_ATTENDEE,
    ROLE_BRIEFER,
    ROLE_CO_CHAIR,
    ROLE_REPRESENTATIVE,
    SIDE_GUANGDONG,
    SIDE_HONG_KONG,
    SIDE_SHENZHEN,
    SIDE_UNKNOWN,
    ParsedAttendance,
    ParsedMeeting,
    ParsedOrganisation,
    ParsedPerson,
    ParseError,
    looks_like_meeting_release,
    release_signs,
)

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # (standard library only here)
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_NUMERAL = "〇零一二兩三四五六七八九十百"
_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_DIGITS |= {"七": 7, "八": 8, "九": 9}

_BODY_END = "(?:專責小組|工作小組|小組|委員會|聯席會議|工作會議|論壇)"
_MEETING = rf"第(?P<number>[{_NUMERAL}\d]{{1,6}})次(?:全體)?會議"
_HEADLINE_MEETING_RE = re.compile(rf"^(?P<series>.+?{_BODY_END})(?:舉行|召開)?{_MEETING}")
_BODY_MEETING_RE = re.compile(
    rf"(?P<series>[^，。、：；（）「」《》\s]+?{_BODY_END})"
    rf"(?:今日(?:（[^）]*）)?)?(?:在[^，。]{{1,15}}?|以視像(?:會議)?形式)?(?:舉行|召開)?{_MEETING}"
)
_VERBS_RE = re.compile("(?:共同主持|主持|舉行|召開|出席|參加|率領)")
_UNDER = "轄下"
_MONTH_DAY = rf"(?P<month>[{_NUMERAL}\d]{{1,3}})月(?P<day>[{_NUMERAL}\d]{{1,3}})日"
_TODAY_DATE_RE = re.compile(rf"(?P<when>今日|昨日)（(?:星期.，?)?{_MONTH_DAY}(?:，星期.)?）")
_ON_DATE_RE = re.compile(rf"(?P<when>於){_MONTH_DAY}")
_TODAY_RE = re.compile("今日")
_YESTERDAY_RE = re.compile("昨日")
_PLACE_RE = re.compile(r"在(?P<place>[^，。、；（）\s]{1,15}?)(?:共同主持|舉行|召開)")
_PAIR_END_RE = re.compile("今日|昨日|在|以視像|於|分別")
_VIDEO_RE = re.compile("以視像(?:會議)?形式")
_TRAILER_DATE_RE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:（星期.）)?$")

_HONORIFICS = "教授|博士|先生|女士|醫生|太平紳士"
_TITLES = (
    "常任秘書長|副秘書長|秘書長|副市長|市長|副局長|局長|副署長|助理署長|署長|副處長|助理處長|"
    "處長|副主任|主任|副主席|主席|總監|市委常委|常委|司長|行政總裁|總裁|總經理|專員|書記|區長"
)
_PERSON_RE = re.compile(
    rf"^(?P<post>.+?(?:{_TITLES}))(?P<name>[\u4e00-\u9fff]{{2,4}}?)(?P<honorific>{_HONORIFICS})?$"
)
_ABBREVIATION_RE = re.compile(r"^(?P<name>.+?)（(?P<abbreviation>[^（）]{1,10})）$")
_ORG_END = re.compile(r"(?:局|署|處|海關|委員會|辦公室|政府|公司|部|廳|會|院|中心)(?:（[^）]*）)?$")
_OTHERS_RE = re.compile("等(?:政策局及部門|部門及機構|政策局|部門|機構|單位)?$")
_TITLE_END_RE = re.compile(rf"(?:{_TITLES})$")

_DELEGATIONS_RE = re.compile(
    r"(?P<a>[^，。]+?)率領(?P<da>[^，。]*?代表團)，?(?:與|和)(?P<b>[^，。]+?)率領的(?P<db>[^，。]*?代表團)"
)
_CO_CHAIRED_BY_RE = re.compile(r"由(?P<pair>[^，。]+?)共同主持")
_CO_CHAIR_LEAD_RE = re.compile(r"^(?P<pair>[^，。]+?)(?:今日|昨日|在|以視像|於|共同主持)")
_SIDE_WORDS = (
    (re.compile("香港方面|香港特區|香港特別行政區|香港的|港方|特區政府|本港"), SIDE_HONG_KONG),
    (re.compile("深圳方面|深圳市出席|深圳市的|深方"), SIDE_SHENZHEN),
    (re.compile("廣東方面|廣東省"), SIDE_GUANGDONG),
)
_HK_POST_RE = re.compile(
    r"(?:局|署|處|香港海關|公司)(?:常任秘書長|局長|署長|副署長|助理署長|處長|副處長|助理處長|總監)$"
)


def chinese_release_signs(text: str) -> list[str]:
    """What shows a Chinese meeting release, in an editor's words: its dated "today"
    (今日（八月三十日）) and its end mark (完)."""
    signs = []
    if _TODAY_DATE_RE.search(text):
        signs.append("it says 今日（…月…日）")
    if re.search(r"^\s*完\s*$", text, re.M) and _MEETING_ANYWHERE.search(text):
        signs.append("it ends with 完 and tells of a 第…次會議")
    return signs


_MEETING_ANYWHERE = re.compile(_MEETING)


def is_chinese(text: str) -> bool:
    """Mostly Chinese: more Han characters than Latin words."""
    return len(_HAN.findall(text)) > 4 * len(_LATIN_WORD.findall(text)) + 20


def looks_like_chinese_release(text: str) -> bool:
    return (
        is_chinese(text)
        and bool(_MEETING_ANYWHERE.search(text))
        and bool(re.search("主持|率領|舉行|召開", text))
    )


def chinese_number(text: str) -> int | None:
    """第十一次 -> 11; digits too. None for what is not a number up to 999."""
    if text.isdigit():
        return int(text)
    if any(char not in _DIGITS and char not in "十百" for char in text):
        return None
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    total += current
    return total or None


# --- Document structure --------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Spaces plain, line ends Unix, and brackets full-width, as the government writes them
    (a half-width "(八月三十日)" is still the date)."""
    text = text.replace("\u3000", " ").replace("\u00a0", " ").replace("\r\n", "\n")
    return text.replace("(", "（").replace(")", "）")


def _split(text: str) -> tuple[str, list[str], list[str]]:
    """(headline, paragraphs, trailer lines): the headline is an unindented first line,
    paragraphs are the indented lines before 完, the trailer what follows it."""
    lines = _normalise(text).split("\n")
    headline = ""
    body, trailer = [], []
    ended = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if ended:
            trailer.append(stripped)
        elif stripped == "完":
            ended = True
        elif index == 0 and not line.startswith(" "):
            headline = re.sub(r"（附圖）$|（附圖及短片）$|（附短片）$", "", stripped)
        else:
            body.append(stripped)
    return headline, body, trailer


def publication_date(text: str) -> dt.date | None:
    """The date in the trailer after 完 ("2024年8月30日（星期五）"), if any."""
    _headline, _body, trailer = _split(text)
    for line in trailer:
        match = _TRAILER_DATE_RE.match(line)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


# --- People, bodies, sides -----------------------------------------------------------------


def _person(text: str) -> tuple[ParsedPerson, str] | None:
    """創新科技及工業局局長孫東教授 -> (孫東, 教授), its post 創新科技及工業局局長."""
    match = _PERSON_RE.match(_OTHERS_RE.sub("", text.strip()))
    if not match:
        return None
    person = ParsedPerson(honorific=match["honorific"] or "", name=match["name"])
    return person, match["post"]


def _people(text: str) -> list[tuple[ParsedPerson, str]]:
    """One or more officials: 創新科技及工業局常任秘書長麥德偉和創新科技署署長潘婷婷 is two
    (cut at 和, 及 or 與 only where both sides read as a post and a name)."""
    text = _OTHERS_RE.sub("", text.strip())
    for match in re.finditer("和|及|與", text):
        left, right = text[: match.start()], text[match.end() :]
        if _person(left) and _people(right):
            return [_person(left), *_people(right)]
    person = _person(text)
    return [person] if person else []


def side_of_post(post: str) -> str:
    if "深圳" in post:
        return SIDE_SHENZHEN
    if "廣東" in post:
        return SIDE_GUANGDONG
    if _HK_POST_RE.search(post) and "市" not in post and "省" not in post:
        return SIDE_HONG_KONG
    return SIDE_UNKNOWN


def _side_of_sentence(sentence: str) -> str:
    for pattern, side in _SIDE_WORDS:
        if pattern.search(sentence):
            return side
    return SIDE_UNKNOWN


def _organisation(text: str) -> ParsedOrganisation:
    text = text.strip()
    match = _ABBREVIATION_RE.match(text)
    if match:
        return ParsedOrganisation(match["name"], match["abbreviation"])
    return ParsedOrganisation(text)


def _bodies(listing: str) -> list[str]:
    """發展局、政制及內地事務局……入境事務處和香港海關 -> each body. "和" joins two bodies
    only where both sides end as a body's name does (not in 發展和改革委員會)."""
    out = []
    for item in (_OTHERS_RE.sub("", item.strip()) for item in listing.split("、")):
        if item:
            out += _joined_bodies(item)
    return out


def _joined_bodies(text: str) -> list[str]:
    """One item cut at 和, 及 or 與 into bodies: only where the part before ends as a
    body's name does and what follows reads as bodies too (not in 發展和改革委員會,
    政制及內地事務局)."""
    for match in re.finditer("和|及|與", text):
        left, right = text[: match.start()], text[match.end() :]
        if _ORG_END.search(left):
            rest = _joined_bodies(right)
            if all(_ORG_END.search(part) for part in rest):
                return [left, *rest]
    return [text]


def _attendance_sentences(paragraphs: list[str]) -> list[tuple[str, str]]:
    """(side, what the sentence lists) for each sentence naming who attended."""
    found = []
    for paragraph in paragraphs:
        for sentence in re.split("(?<=。)", paragraph):
            match = re.search("(?:出席|參加)[^。]*?(?:包括|有)(?P<listing>[^。]+)", sentence)
            if match:
                found.append(
                    (_side_of_sentence(sentence[: match.start("listing")]), match["listing"])
                )
    return found


def _listed(side: str, listing: str, notes: list[str]) -> list[ParsedAttendance]:
    """Named officials and bodies represented in one sentence's listing."""
    listing = listing.rstrip("。")
    attendances = []
    for segment in re.split("，?以及|，另有|，", listing):
        segment = segment.strip()
        if not segment:
            continue
        representatives = segment.endswith("的代表")
        segment = _OTHERS_RE.sub("", segment.removesuffix("的代表"))
        items = _bodies(segment) if representatives else _posts_joined(segment.split("、"))
        for item in items:
            people = [] if representatives else _people(item)
            for parsed, post in people:
                attendances.append(ParsedAttendance(ROLE_ATTENDEE, side, post, person=parsed))
            if not people and item.strip():
                organisation = _organisation(item)
                attendances.append(
                    ParsedAttendance(ROLE_REPRESENTATIVE, side, organisation=organisation)
                )
    if side == SIDE_UNKNOWN and attendances:
        notes.append(f"Whose side those listed in “{listing[:40]}…” are on is not stated.")
    return attendances


def _posts_joined(items: list[str]) -> list[str]:
    """Items of a list cut at 、, with a post of two parts put back together
    (深圳市委常委、副市長曾湃 is one official)."""
    out: list[str] = []
    for item in items:
        if out and _TITLE_END_RE.search(out[-1]) and not _people(out[-1]) and _people(item):
            out[-1] = f"{out[-1]}、{item}"
        else:
            out.append(item)
    return out


def _briefers(paragraphs: list[str]) -> list[ParsedAttendance]:
    """The bodies that briefed the meeting: 聽取了A匯報…、B匯報…，以及C介紹…."""
    out = []
    for paragraph in paragraphs:
        match = re.search("聽取了?(?P<listing>[^。]+)", paragraph)
        if not match:
            continue
        for segment in re.split("、|，以及|，", match["listing"]):
            found = re.match(r"^(?:以及)?(?P<body>[^，、]+?)(?:分別)?(?:匯報|介紹)", segment)
            if found and "方面" not in found["body"]:
                for body in _bodies(found["body"]):
                    out.append(
                        ParsedAttendance(
                            ROLE_BRIEFER, SIDE_UNKNOWN, organisation=_organisation(body)
                        )
                    )
        break
    return out


def _co_chairs(lead: str, notes: list[str]) -> list[ParsedAttendance]:
    match = _DELEGATIONS_RE.search(lead)
    if match:
        pairs = [
            (match["a"], _side_of_sentence(match["da"])),
            (match["b"], _side_of_sentence(match["db"])),
        ]
    else:
        found = _CO_CHAIRED_BY_RE.search(lead) or _CO_CHAIR_LEAD_RE.search(lead)
        if not found or "共同主持" not in lead:
            return []
        pair = _PAIR_END_RE.split(found["pair"])[0]
        parts = _two_people(pair)
        if parts is None:
            notes.append(f"The co-chairs in “{pair}” could not be told apart.")
            return []
        pairs = [(part, SIDE_UNKNOWN) for part in parts]
    chairs = []
    for text, side in pairs:
        person = _person(text)
        if person is None:
            notes.append(f"“{text}” was not read as a post and a name.")
            continue
        parsed, post = person
        side = side or side_of_post(post)
        if not side:
            notes.append(f"Which side {parsed.name} ({post}) is on is not stated.")
        chairs.append(ParsedAttendance(ROLE_CO_CHAIR, side, post, person=parsed))
    return chairs


def _two_people(pair: str) -> tuple[str, str] | None:
    """A與B, A、B, A和B or A及B: the two officials, cut where both read as post and name."""
    for separator in ("與", "、", "和", "及"):
        for match in re.finditer(separator, pair):
            left, right = pair[: match.start()], pair[match.end() :]
            if _person(left) and _person(right):
                return left, right
    return None


# --- The meeting ---------------------------------------------------------------------------


def _find_meeting(headline: str, paragraphs: list[str]) -> tuple[str, int | None, str]:
    """(series, number, sentence) of the meeting the release reports."""
    match = _HEADLINE_MEETING_RE.search(headline) if headline else None
    if match:
        sentence = next((p for p in paragraphs if _MEETING_ANYWHERE.search(p)), paragraphs[0])
        series = _VERBS_RE.split(match["series"])[-1].lstrip("的")  # not "A與B共同主持…"
        return series, chinese_number(match["number"]), sentence
    for paragraph in paragraphs:
        match = _BODY_MEETING_RE.search(paragraph)
        if match:
            series = _VERBS_RE.split(match["series"])[-1].lstrip("的")
            return series, chinese_number(match["number"]), paragraph
    raise ParseError("no meeting found (no “第…次會議” with the body that held it)", line=1)


def _split_parent(series: str) -> tuple[str, str]:
    """…專責小組轄下的人才交流工作小組 -> (人才交流工作小組, …專責小組)."""
    if _UNDER in series:
        parent, _, body = series.rpartition(_UNDER)
        return body.lstrip("的"), parent
    return series, ""


def parse_chinese(text: str) -> ParsedMeeting:
    """A Chinese meeting release as a ParsedMeeting, its texts in Traditional Chinese."""
    headline, paragraphs, _trailer = _split(text)
    if not paragraphs:
        raise ParseError("no paragraphs (a release's paragraphs are indented)", line=1)
    notes: list[str] = []
    series, number, lead = _find_meeting(headline, paragraphs)
    series, parent = _split_parent(series)
    first_sentence = re.split("(?<=。)", lead)[0]
    month = day = None
    on_publication_day = False
    date_phrase = ""
    dated = _TODAY_DATE_RE.search(lead) or _ON_DATE_RE.search(lead)
    if dated:
        month, day = chinese_number(dated["month"]), chinese_number(dated["day"])
        date_phrase = dated.group(0)
    elif _TODAY_RE.search(first_sentence):
        on_publication_day, date_phrase = True, "今日"
    elif _YESTERDAY_RE.search(first_sentence):
        notes.append("The release says 昨日 (yesterday) without the date: the day is not read.")
    else:
        notes.append("The release does not say when the meeting was held.")
    place_match = _PLACE_RE.search(lead)
    place = place_match["place"] if place_match else ""
    place = _VIDEO_RE.split(place)[0].removeprefix("分別在")  # "在香港和深圳以視像會議形式"
    if _VIDEO_RE.search(lead):
        mode = MODE_VIDEO
    else:
        mode = MODE_IN_PERSON if place else MODE_UNKNOWN
    attendances = _co_chairs(first_sentence, notes)
    if not attendances:
        sentence = next((s for s in re.split("(?<=。)", lead) if "共同主持" in s), "")
        attendances = _co_chairs(sentence, notes)
    for side, listing in _attendance_sentences(paragraphs):
        attendances += _listed(side, listing, notes)
    attendances += _briefers(paragraphs)
    if number is None:
        notes.append("The meeting's number could not be read.")
    title = f"{series}第{_as_written(lead, number)}次會議" if number else series
    return ParsedMeeting(
        title=title,
        series=series,
        number=number,
        month=month,
        day=day,
        place=place,
        mode=mode,
        summary=paragraphs[0],
        full_text="\n\n".join(paragraphs),
        attendances=tuple(attendances),
        review_notes=tuple(notes),
        headline=headline,
        parent_series=parent,
        on_publication_day=on_publication_day,
        date_phrase=date_phrase,
    )


def _as_written(text: str, number: int) -> str:
    """The number as the release writes it (十一, or 11)."""
    match = _MEETING_ANYWHERE.search(text)
    return match["number"] if match else str(number)


def release_signs_in_either_language(text: str) -> list[str]:
    """The signs of a meeting release (`meetings.parsing.release_signs`), English or Chinese."""
    return release_signs(text) + chinese_release_signs(text)


def looks_like_a_release(text: str) -> bool:
    return looks_like_meeting_release(text) or looks_like_chinese_release(text)
