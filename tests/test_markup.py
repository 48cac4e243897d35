"""Markdown in, HTML out: the usual extensions, and nothing that can run script."""

import pytest

from generator.markup import is_safe_url, make_markdown, render, url_scheme


def safe(text: str) -> str:
    return render(make_markdown(raw_html=False), text)


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("*a* **b**", "<p><em>a</em> <strong>b</strong></p>"),
        ("| a | b |\n|---|---|\n| 1 | 2 |",
         "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
         "<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>"),
        ("Para\n{: .lead #intro }", '<p class="lead" id="intro">Para</p>'),
        ("[ok](https://example.org/?a=1&b=2)",
         '<p><a href="https://example.org/?a=1&amp;b=2">ok</a></p>'),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("<div onclick=\"x()\">\nblock\n</div>",
         "<p>&lt;div onclick=\"x()\"&gt;\nblock\n&lt;/div&gt;</p>"),
        ("hi <img src=x onerror=alert(1)>", "<p>hi &lt;img src=x onerror=alert(1)&gt;</p>"),
        ("Para\n{: onclick=\"alert(1)\" onmouseover=\"x\" }", "<p>Para</p>"),
        ("[x](javascript:alert(1))", "<p><a>x</a></p>"),
        ("[x](JaVaScRiPt:alert(1))", "<p><a>x</a></p>"),
        ("[x](java&#115;cript:alert(1))", "<p><a>x</a></p>"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "<p><a>x</a></p>"),
        ("![i](data:image/svg+xml,<svg onload=alert(1)>)", '<p><img alt="i"></p>'),
        ("[x](vbscript:msgbox)", "<p><a>x</a></p>"),
        ("[x](#fn) [y](../other/) [z](mailto:a@b.example)",
         '<p><a href="#fn">x</a> <a href="../other/">y</a> <a href="mailto:a@b.example">z</a></p>'),
        ("[x][r]\n\n[r]: javascript:alert(1)", "<p><a>x</a></p>"),
        ("<https://example.org>", '<p><a href="https://example.org">https://example.org</a></p>'),
    ],
)
def test_markdown_renders_safely(text, html):
    assert safe(text) == html


def test_raw_html_is_kept_when_the_site_trusts_its_authors():
    md = make_markdown(raw_html=True)
    assert render(md, "<div class=\"x\">\nhi\n</div>") == '<div class="x">\nhi\n</div>'


def test_footnotes_do_not_leak_between_files():
    md = make_markdown(raw_html=False)
    render(md, "A[^1]\n\n[^1]: first")
    assert "first" not in render(md, "B")


@pytest.mark.parametrize("url", ["https://a.example", "http://a.example", "/x", "x/y", "#f",
                                 "mailto:a@b.example", "?q=1"])
def test_safe_urls(url):
    assert is_safe_url(url)


@pytest.mark.parametrize("url", ["javascript:x", " javascript:x", "java\tscript:x", "JAVASCRIPT:x",
                                 "data:text/html,x", "vbscript:x", "&#106;avascript:x"])
def test_unsafe_urls(url):
    assert not is_safe_url(url)


@pytest.mark.parametrize(("value", "scheme"), [
    ("javascript:x", "javascript"), ("&#106;avascript:x", "javascript"),
    ("&#x6A;ava&#x09;script:x", "javascript"), (" \tJaVa\nScRiPt:x", "javascript"),
    ("events/x/", None), ("../../javascript:x", None), ("./javascript:x", None),
    ("#fn:1", None), ("HTTPS://a.example", "https"),
])
def test_the_scheme_is_read_as_a_browser_reads_it(value, scheme):
    assert url_scheme(value) == scheme
