"""Sections of a page body, with the ids Grav's anchors plugin (AnchorJS 4.3.1) gives their headings."""

from search.sections import Section, anchor_slug, heading_text, long_page, split


def anchors(body, **kw):
    return [(s.level, s.title, s.anchor) for s in split(body, **kw)]


def test_latin_cyrillic_and_mixed_ids():
    # Ids checked against anchor.min.js of grav-plugin-anchors 1.6.0 in Chromium.
    assert anchor_slug("Main Tasks of the LEC:") == "main-tasks-of-the-lec"
    assert anchor_slug("ЛКБэ-нің негізгі міндеттері:") == "лкбэ-нің-негізгі-міндеттері"
    assert anchor_slug("ТЕГІН ҚОЛЖЕТІМДІ – МӘМС") == "тегін-қолжетімді-–-мәмс"
    assert anchor_slug("Standard Operating Procedures (SOPs)") == "standard-operating-procedures-sops"
    assert anchor_slug("What's new? (2024) — «Итоги» & планы") == "whats-new-2024-—-«итоги»-планы"
    assert anchor_slug("50% off: a+b=c; x/y.z ~ {braces} | pipe ^ caret") == "50-off-a-b-c-x-y-z-braces-pipe-caret"
    assert anchor_slug("İstanbul ΟΔΟΣ Straße") == "i̇stanbul-οδος-straße"


def test_ids_are_cut_at_64_and_trimmed():
    title = "Очень длинный заголовок раздела, который явно длиннее шестидесяти четырёх символов вместе с пробелами"
    assert anchor_slug(title) == "очень-длинный-заголовок-раздела-который-явно-длиннее-шестидесяти"
    assert anchor_slug("  --Итоги года--  ") == "итоги-года"
    # JavaScript counts UTF-16 units: an emoji is two
    assert anchor_slug("🎉" * 40) == "🎉" * 32


def test_heading_text_is_what_the_browser_shows():
    assert heading_text("**Жирный** [ссылка](http://x) `код` &amp; &lt;tag&gt; ![фото](a.png)") == (
        "Жирный ссылка код & <tag> "
    )
    assert heading_text("<span>Итоги</span> года") == "Итоги года"


def test_sections_of_a_body():
    body = """Вступление без заголовка.

## Итоги года
Текст итогов.

Ещё абзац.

### Детали *по месяцам*
Январь.

## Итоги года
Повтор.
"""
    sections = split(body)
    assert sections == [
        Section("Итоги года", "итоги-года", "Текст итогов.\n\nЕщё абзац.", 2),
        Section("Детали по месяцам", "детали-по-месяцам", "Январь.", 3),
        Section("Итоги года", "итоги-года-1", "Повтор.", 2),
    ]


def test_ids_taken_by_the_theme_come_first():
    assert anchors("## Новости\n", taken=["новости"]) == [(2, "Новости", "новости-1")]


def test_parsedown_atx_quirks():
    # no space needed after "#"; trailing "#" trimmed, even from "C#"; seven "#" is a paragraph
    assert anchors("##Итоги\n\n## Язык C#\n\n####### семь\n") == [(2, "Итоги", "итоги"), (2, "Язык C", "язык-c")]
    # a lone "#" is text
    assert anchors("#\n") == []


def test_h5_and_h6_get_no_id():
    assert anchors("##### Пятый\n###### Шестой\n") == [(5, "Пятый", ""), (6, "Шестой", "")]


def test_explicit_id_with_markdown_extra():
    body = "## Итоги {#results}\n\n## Цели {#goals .wide}\n\n## Только класс {.wide}\n\n## Итоги\n"
    assert anchors(body, extra=True) == [
        (2, "Итоги", "results"),
        (2, "Цели", "goals"),
        (2, "Только класс", "только-класс"),
        (2, "Итоги", "итоги"),
    ]


def test_explicit_id_is_text_without_markdown_extra():
    # Grav's default (pages.markdown.extra: false) and this archive's: the braces are shown and slugged.
    assert anchors("## Итоги {#results}\n") == [(2, "Итоги {#results}", "итоги-results")]


def test_explicit_ids_are_ascii_only():
    # ParsedownExtra's [-\w]+ is ASCII: a Cyrillic id is not an attribute.
    assert anchors("## Итоги {#итоги}\n", extra=True) == [(2, "Итоги {#итоги}", "итоги-итоги")]


def test_explicit_ids_are_reserved_before_generated_ones():
    assert anchors("## Results\n\n## Итоги {#results}\n", extra=True) == [
        (2, "Results", "results-1"),
        (2, "Итоги", "results"),
    ]


def test_setext_headings():
    body = "Итоги года\n==========\n\nЦели\nи задачи\n---\n\nАбзац.\n\n---\n\nСписок:\n- пункт\n"
    assert anchors(body) == [(1, "Итоги года", "итоги-года"), (2, "Цели и задачи", "цели-и-задачи")]
    assert split(body)[1].text == "Абзац.\n\n---\n\nСписок:\n- пункт"


def test_setext_with_markdown_extra():
    assert anchors("Итоги {#results}\n---\n", extra=True) == [(2, "Итоги", "results")]


def test_code_fences_are_not_headings():
    body = """## Пример

```markdown
## не заголовок
Тоже не
---
```

~~~
# и это не
```
## всё ещё код
~~~

    ## отступ: код

## После кода
"""
    sections = split(body)
    assert [(s.title, s.anchor) for s in sections] == [("Пример", "пример"), ("После кода", "после-кода")]
    assert "## не заголовок" in sections[0].text and "## отступ: код" in sections[0].text


def test_unclosed_fence_runs_to_the_end():
    assert anchors("## А\n```\n## Б\n") == [(2, "А", "а")]


def test_html_blocks_and_comments_are_not_headings():
    body = "<div class='x'>\n<div>\n\n## внутри\n</div>\n\n## всё ещё внутри\n</div>\n<!--\n## в комментарии\n-->\n## Снаружи\n"
    assert anchors(body) == [(2, "Снаружи", "снаружи")]


def test_heading_interrupts_a_paragraph_and_follows_a_list():
    assert anchors("Абзац\n## Заголовок\n* пункт\n## Второй\n") == [
        (2, "Заголовок", "заголовок"),
        (2, "Второй", "второй"),
    ]


def test_indented_line_after_a_paragraph_is_not_code():
    assert anchors("Абзац\n      ## Заголовок\n") == [(2, "Заголовок", "заголовок")]


def test_tabs_and_crlf():
    assert anchors("## Итоги\r\n\ttext\r\n## Цели\r\n") == [(2, "Итоги", "итоги"), (2, "Цели", "цели")]


def test_long_page_needs_three_top_headings_and_text():
    def page(levels, chars):
        return [Section(f"T{i}", f"t{i}", "x" * chars, level) for i, level in enumerate(levels)]

    assert long_page(page([2, 2, 2], 600))
    assert not long_page(page([2, 2], 2000))
    assert long_page(page([2, 3, 3, 3], 600))  # a lone heading opening the page is its title: ### are its parts
    assert not long_page(page([3, 2, 3, 3], 600))  # ... but not one further down
    assert not long_page(page([1, 2, 2], 900))  # a title and two parts
    assert long_page(page([3, 3, 3], 600))  # ### as the top level
    assert not long_page(page([2, 2, 2, 2], 80))  # a list of links per year: one screen
    assert not long_page([])
