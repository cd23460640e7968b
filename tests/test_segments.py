import pytest

from bot.text.segments import count


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extension characters count twice: 160 septets
        ("€" * 81, "GSM-7", 2),
        ("a" * 152 + "€" + "a" * 10, "GSM-7", 2),  # the € does not straddle segments
        ("ک" * 70, "UCS-2", 1),
        ("ک" * 71, "UCS-2", 2),
        ("ک" * 134, "UCS-2", 2),
        ("ک" * 135, "UCS-2", 3),
        ("Hello کابل", "UCS-2", 1),  # one Arabic-script letter makes it all UCS-2
        ("Réunion à 10h", "GSM-7", 1),  # é and à are in GSM-7
        ("Vous êtes inscrit", "UCS-2", 1),  # ê is not
        ("🙂" * 35, "UCS-2", 1),  # surrogate pairs: two units each
        ("🙂" * 36, "UCS-2", 2),
    ],
)
def test_segment_count(text, encoding, segments):
    result = count(text)
    assert (result.encoding, result.segments) == (encoding, segments)


def test_units_are_septets_or_code_units():
    assert count("a€").units == 3
    assert count("a🙂").units == 3
