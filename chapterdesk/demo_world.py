"""The international demo chapter's people: names in the scripts its members write them in.

`chapterdesk demo --international` gives a chapter whose members live in Hong
Kong, Singapore, Tokyo, Seoul, Mumbai, Bangkok, Dubai, Tel Aviv, Athens and
Kyiv as well as North America: about a third of them have their name, and
some their firm, in Chinese (simplified and traditional), Japanese, Korean,
Devanagari, Thai, Arabic, Hebrew, Greek or Cyrillic; one in a while mixes
scripts (an Arabic family name after a Latin given name) or carries an emoji,
as HQ exports really do. It is what every report is checked on (issue 16).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["PLACES", "WORLD_SHARE", "world_person"]

#: The share of chapter members whose names are not in Latin letters.
WORLD_SHARE = 1 / 3


@dataclass(frozen=True)
class Place:
    """Where a group of members live, and the names and firms they have there."""

    city: str
    state: str
    country: str
    phone_prefix: str
    given: tuple[str, ...]
    family: tuple[str, ...]
    firms: tuple[str, ...]


PLACES: tuple[Place, ...] = (
    Place(
        "Hong Kong", "", "Hong Kong", "+852",
        ("志明", "嘉欣", "家豪", "詠詩"),
        ("陳", "黃", "李", "張"),
        ("陳氏律師事務所", "太平洋法律有限公司"),
    ),
    Place(
        "Singapore", "", "Singapore", "+65",
        ("秀英", "伟", "丽娟", "建国"),
        ("王", "刘", "林", "郑"),
        ("新加坡法律服务公司", "狮城律师事务所"),
    ),
    Place(
        "Tokyo", "", "Japan", "+81",
        ("さくら", "ゆい", "ケンタ", "陽菜"),
        ("佐藤", "高橋", "鈴木", "渡辺"),
        ("東京法律事務所", "さくら総合法務"),
    ),
    Place(
        "Seoul", "", "South Korea", "+82",
        ("민준", "서연", "지훈", "하은"),
        ("김", "이", "박", "최"),
        ("한빛 법률사무소", "서울 법무법인"),
    ),
    Place(
        "Mumbai", "MH", "India", "+91",
        ("राजेश", "प्रिया", "अमित", "सुनीता"),
        ("शर्मा", "पटेल", "वर्मा", "देसाई"),
        ("मुंबई विधि सेवा", "Desai & Partners"),
    ),
    Place(
        "Bangkok", "", "Thailand", "+66",
        ("สมชาย", "สุดา", "วิชัย", "มาลี"),
        ("ใจดี", "ศรีสุข", "วงศ์ไทย", "สุขสวัสดิ์"),
        ("สำนักงานกฎหมายสยาม", "Siam Legal Co."),
    ),
    Place(
        "Dubai", "", "United Arab Emirates", "+971",
        ("محمد", "فاطمة", "عبد الله", "Omar", "ليلى"),
        ("العلي", "بن سلمان", "الهاشمي", "الفاروق"),
        ("مكتب الخليج للمحاماة", "Gulf Legal Services"),
    ),
    Place(
        "Tel Aviv", "", "Israel", "+972",
        ("דוד", "שרה", "יוסף", "מיכל"),
        ("כהן", "לוי", "מזרחי", "פרץ"),
        ("כהן ושות׳ עורכי דין", "Tel Aviv Law Group"),
    ),
    Place(
        "Athens", "", "Greece", "+30",
        ("Γιώργος", "Ελένη", "Νίκος", "Μαρία"),
        ("Παπαδόπουλος", "Κωνσταντίνου", "Γεωργίου", "Οικονόμου"),
        ("Νομική Εταιρεία Αθηνών", "Hellenic Counsel"),
    ),
    Place(
        "Kyiv", "", "Ukraine", "+380",
        ("Анна", "Дмитро", "Олена", "Сергій"),
        ("Шевченко", "Коваленко", "Бондаренко", "Ткаченко"),
        ("Юридична фірма «Правник»", "Kyiv Counsel LLC"),
    ),
)

#: A few members whose firm name carries an emoji, as some really do.
_EMOJI_FIRMS = ("Smile Legal 😀", "Sunrise Counsel ☀", "Bright Minds Law 💡")


def world_person(rng: random.Random, hq_id: int, number: int) -> dict[str, object]:
    """The name, firm and address fields of member `number` from abroad (HQ record fields).

    Members from abroad take the places in turn, so even a small demo has every script.
    """
    place = PLACES[number % len(PLACES)]
    first = rng.choice(place.given)
    last = rng.choice(place.family)
    firm = rng.choice(_EMOJI_FIRMS) if rng.random() < 0.05 else rng.choice(place.firms)
    return {
        "prefix": "",
        "first_name": first,
        "middle_name": "",
        "last_name": last,
        "suffix": "",
        "company": firm,
        "email": f"member{hq_id}@{place.country.lower().replace(' ', '')}.example",
        "phone": f"{place.phone_prefix} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        "address1": f"{rng.randint(1, 300)} Harbour Road",
        "address2": "",
        "city": place.city,
        "state": place.state,
        "postal_code": f"{rng.randint(10000, 99999)}",
        "country": place.country,
    }
