import pytest

from generator.slugs import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Zürich", "zurich"),
        ('Ansip waarschuwt: "bezorgd"', "ansip-waarschuwt-bezorgd"),
        ("2018-07-19-UK report", "2018-07-19-uk-report"),
        ("  --Hello,  World!--  ", "hello-world"),
        ("Москва", "moskva"),
        ("Straße", "strasse"),
        ("华为", "huawei"),
        ("!!!", ""),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug

