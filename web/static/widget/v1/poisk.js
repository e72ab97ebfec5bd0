/* Poisk search widget, v1. One script tag, one custom element:
 *   <script src="https://SEARCH-HOST/widget/v1/poisk.js" defer></script>
 *   <poisk-search lang="ru"></poisk-search>
 * No framework, no eval, no inline styles on the host page, no cookies; it reads nothing of the host
 * page but its <html lang>. Results are built from DOM nodes: only the service's <mark> survives. */
(() => {
  "use strict";
  const NAME = "poisk-search";
  if (customElements.get(NAME)) return;
  const SCRIPT = document.currentScript && document.currentScript.src;
  const SERVICE = SCRIPT ? new URL("../..", SCRIPT).href.replace(/\/$/, "") : location.origin;
  const DEBOUNCE_MS = 180, PER_PAGE = 8, TOP_CHIPS = 8;
  const NOT_TAXONOMY = new Set(["year", "month", "lang"]);  // facets that are not chips of a taxonomy
  const KK_MONTHS = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split(" ");
  const LANGUAGE_NAMES = { kk: "Қазақша", ru: "Русский", en: "English" };
  const log = (...a) => console.warn("[poisk-search]", ...a);

  // Interface strings, as data.
  const STRINGS = {
    kk: { label: "Іздеу", placeholder: "Сайттан іздеу…", results: (n) => `${n} нәтиже`, none: "Ештеңе табылмады",
          tips: "Басқа сөздерді қолданып көріңіз.", more: "Тағы көрсету", all: "Барлық нәтижелер",
          showing: "Нәтижелер:", instead: "Іздеу:", clear: "Тазалау", unavailable: "Іздеу бұл сайттан қолжетімсіз.",
          years: "Жыл бойынша", anyYear: "Барлық жылдар", loading: "Ізделуде…", alsoIn: "Басқа тілдерде:", suggest: "Ұсыныстар",
          relaxed: (w, n) => `${w} ${n > 1 ? "сөздері" : "сөзі"} жоқ беттер де көрсетілген.`, missing: "Жоқ сөз:", semantic: "Мағынасы жақын.", quotes: ["«", "»"],
          moreChips: "тағы", fewerChips: "жасыру", names: { category: "Санат", tag: "Тег", author: "Автор" } },
    ru: { label: "Поиск", placeholder: "Поиск по сайту…", results: (n) => `Найдено: ${n}`, none: "Ничего не найдено",
          tips: "Попробуйте другие слова.", more: "Показать ещё", all: "Все результаты",
          showing: "Показаны результаты по запросу", instead: "Искать", clear: "Очистить",
          unavailable: "Поиск недоступен с этого сайта.", years: "По годам", anyYear: "Все годы", loading: "Ищем…",
          alsoIn: "Также:", suggest: "Подсказки",
          relaxed: (w, n) => `Показаны страницы без ${n > 1 ? "слов" : "слова"} ${w}.`, missing: "Нет слова:", semantic: "Близко по смыслу.", quotes: ["«", "»"],
          moreChips: "ещё", fewerChips: "свернуть", names: { category: "Рубрика", tag: "Тег", author: "Автор" } },
    en: { label: "Search", placeholder: "Search this site…", results: (n) => `${n} result${n === 1 ? "" : "s"}`,
          none: "No results", tips: "Try other words.", more: "Show more", all: "All results",
          showing: "Showing results for", instead: "Search instead for", clear: "Clear",
          unavailable: "Search is not available from this site.", years: "By year", anyYear: "Any year",
          loading: "Searching…", alsoIn: "Also in:", suggest: "Suggestions",
          relaxed: (w) => `Also showing pages without ${w}.`, missing: "Missing:", semantic: "Related by meaning.", quotes: ["“", "”"],
          moreChips: "more", fewerChips: "fewer", names: { category: "Category", tag: "Tag", author: "Author" } },
  };

  const CSS = `
:host { --poisk-accent: #0b5cad; --poisk-fg: #1c1f23; --poisk-muted: #5a6270; --poisk-bg: #fff;
  --poisk-border: #8a929c; --poisk-mark: #fff0a8; --poisk-radius: 6px; --poisk-font: inherit;
  display: block; position: relative; font-family: var(--poisk-font); color: var(--poisk-fg); max-width: 40rem; }
* { box-sizing: border-box; }
.box { display: flex; gap: .4rem; }
label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
input::-webkit-search-cancel-button { display: none; }
input { flex: 1; min-width: 0; font: inherit; font-size: 1rem; padding: .5rem .65rem; color: var(--poisk-fg);
  background: var(--poisk-bg); border: 1px solid var(--poisk-border); border-radius: var(--poisk-radius); }
button { font: inherit; font-size: .9rem; padding: .35rem .7rem; cursor: pointer; color: var(--poisk-accent);
  background: var(--poisk-bg); border: 1px solid var(--poisk-accent); border-radius: var(--poisk-radius); }
button[aria-pressed="true"] { background: var(--poisk-accent); color: var(--poisk-bg); }
:focus-visible { outline: 3px solid #f0a000; outline-offset: 2px; }
.panel { background: var(--poisk-bg); border: 1px solid var(--poisk-border); border-radius: var(--poisk-radius);
  margin-top: .3rem; padding: .5rem; }
.panel[hidden], .years:empty { display: none; }
.note, .status { color: var(--poisk-muted); font-size: .9rem; margin: .2rem .2rem .4rem; }
.note a { color: var(--poisk-accent); }
.years, .chips { display: flex; flex-wrap: wrap; align-items: center; gap: .3rem; margin: 0 0 .4rem; padding: 0; }
.chips .name { color: var(--poisk-muted); font-size: .85rem; margin-right: .1rem; }
.chips .toggle { border-style: dashed; }
ul[role=listbox] { list-style: none; margin: 0; padding: 0; }
li[role=option] { padding: .45rem .5rem; border-radius: var(--poisk-radius); cursor: pointer; }
li[role=option][aria-selected="true"] { background: #e8f0fa; outline: 2px solid var(--poisk-accent); }
.card { display: flex; gap: .65rem; align-items: flex-start; }
.card > div { flex: 1; min-width: 0; }
.thumb { flex: none; width: 96px; height: 64px; object-fit: cover; border-radius: 4px; background: #e9edf1; }
li.sub { margin-left: 1.25rem; border-left: 2px solid var(--poisk-border); border-radius: 0 var(--poisk-radius) var(--poisk-radius) 0;
  padding: .3rem .5rem; }
li.sub.under { margin-left: calc(96px + 1.15rem); }
.title { color: var(--poisk-accent); font-weight: 600; text-decoration: underline; }
.sub .title { font-weight: 400; }
.meta { margin: .1rem 0 0; color: var(--poisk-muted); font-size: .8rem; }
.snippet { margin: .15rem 0 0; font-size: .9rem; line-height: 1.4; overflow-wrap: anywhere; }
.also { margin: .15rem 0 0; font-size: .8rem; color: var(--poisk-muted); }
.missing { margin: .15rem 0 0; font-size: .8rem; color: var(--poisk-muted); }
.semantic { font-style: italic; }
.also .lang { color: var(--poisk-accent); text-decoration: underline; cursor: pointer; }
mark { background: var(--poisk-mark); color: inherit; padding: 0 .1em; border-radius: 2px; }
.foot { display: flex; justify-content: space-between; align-items: center; gap: .5rem; margin-top: .4rem; }
.foot a { color: var(--poisk-accent); font-size: .9rem; }`;

  let sheet = null;
  const styles = () => {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return sheet;
  };

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  };

  // The service escapes everything but its own <mark>: rebuild that as nodes, never as HTML.
  const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#x27;": "'", "&#39;": "'" };
  const decode = (s) => s.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (m) => ENTITIES[m]);
  const marked = (html, into) => {
    const parts = String(html || "").split(/(<mark>|<\/mark>)/);
    let inMark = false;
    for (const part of parts) {
      if (part === "<mark>") inMark = true;
      else if (part === "</mark>") inMark = false;
      else if (part) into.append(inMark ? el("mark", {}, decode(part)) : decode(part));
    }
    return into;
  };

  // "14 июня 2018": the day the page gives (its own timezone), in the visitor's language.
  const day = (iso, lang) => {
    const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(iso || "");
    if (!m) return null;
    const d = new Date(Date.UTC(+m[1], m[2] - 1, +m[3]));
    const parts = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
      .formatToParts(d);
    // Browsers without Kazakh data say "2018 M06 14": name the month ourselves.
    if (lang === "kk" && !parts.some((p) => p.type === "month" && /\p{L}{3}/u.test(p.value)))
      return `${+m[3]} ${KK_MONTHS[m[2] - 1]} ${m[1]}`;
    if (parts.length && parts[parts.length - 1].type === "literal") parts.pop();  // "… 2018 г." → "… 2018"
    return parts.map((p) => p.value).join("");
  };

  let counter = 0;

  class PoiskSearch extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const lang = (this.getAttribute("lang") || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
      this.lang2 = STRINGS[lang] ? lang : "en";
      this.t = STRINGS[this.lang2];
      this.filterLang = this.getAttribute("filter-lang") || "";
      // One hit per story (its other languages under "Also in"), unless collapse="none" or filter-lang is set.
      this.collapse = !this.filterLang && this.getAttribute("collapse") !== "none";
      this.site = this._site();
      this.uid = `poisk-${++counter}`;
      this.seq = 0;
      this.state = { q: "", page: 1, year: "", total: 0, hits: [], active: -1, corrected: null, filters: {}, open: new Set() };
      const root = this.attachShadow({ mode: "open" });
      root.adoptedStyleSheets = [styles()];
      this._render(root);
    }

    _site() {
      try {
        const u = new URL(this.getAttribute("site") || location.href);
        return (u.protocol === "http:" || u.protocol === "https:") ? u.origin : null;
      } catch (e) { return null; }
    }

    _render(root) {
      const t = this.t, id = this.uid;
      this.input = el("input", { id: `${id}-q`, type: "search", role: "combobox", autocomplete: "off",
        "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": `${id}-list`,
        placeholder: this.getAttribute("placeholder") || t.placeholder, maxlength: "256", spellcheck: "false" });
      this.clearButton = el("button", { type: "button", "aria-label": t.clear }, "×");
      this.live = el("div", { class: "status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
      this.note = el("p", { class: "note" });
      this.years = el("div", { class: "years", role: "group", "aria-label": t.years });
      this.suggestions = el("div", { class: "years suggestions", role: "group", "aria-label": t.suggest });
      this.facets = el("div", { class: "facets" });
      this.list = el("ul", { id: `${id}-list`, role: "listbox", "aria-label": t.label });
      this.more = el("button", { type: "button" }, t.more);
      this.allLink = el("a", { href: "#" }, t.all);
      this.panel = el("div", { class: "panel", hidden: "" }, this.note, this.suggestions, this.years, this.facets,
        this.list, el("div", { class: "foot" }, this.more, this.allLink));
      root.append(el("label", { for: `${id}-q` }, t.label), el("div", { class: "box" }, this.input, this.clearButton),
        this.live, this.panel);

      this.input.addEventListener("input", () => this._typed());
      this.input.addEventListener("keydown", (e) => this._key(e));
      this.clearButton.addEventListener("click", () => { this._clear(); this.input.focus(); });
      this.more.addEventListener("click", () => this._search(this.state.page + 1, true));
      this.list.addEventListener("click", (e) => {
        const lang = e.target.closest(".lang[data-href]");
        if (lang) { location.assign(lang.dataset.href); return; }
        const li = e.target.closest("li[role=option]");
        if (li) this._open(li);
      });
    }

    _typed() {
      clearTimeout(this.timer);
      const q = this.input.value.trim();
      if (!q) { this._clear(false); return; }
      this.timer = setTimeout(() => { this.state.year = ""; this._search(1, false); }, DEBOUNCE_MS);
    }

    _clear(emptyInput = true) {
      clearTimeout(this.timer);
      this.seq++;  // any answer still on its way is now stale
      // Escape and × forget the chosen chips too; a box emptied to type anew keeps them.
      if (emptyInput) Object.assign(this.state, { filters: {}, open: new Set() });
      if (emptyInput) this.input.value = "";
      Object.assign(this.state, { q: "", page: 1, year: "", total: 0, hits: [], active: -1 });
      this.panel.hidden = true;
      this.input.setAttribute("aria-expanded", "false");
      this.input.removeAttribute("aria-activedescendant");
      this.live.textContent = "";
    }

    async _search(page, append, correct = true) {
      const q = this.input.value.trim();
      if (!q) return;
      const seq = ++this.seq;
      const params = new URLSearchParams({ q, page: String(page), per_page: String(PER_PAGE), prefer_lang: this.lang2 });
      if (this.filterLang) params.set("lang", this.filterLang);
      if (this.collapse) params.set("collapse", "translations");
      if (this.state.year) params.set("year", this.state.year);
      for (const [name, values] of Object.entries(this.state.filters)) {
        for (const v of values) {
          if (name === "category" || name === "tag") params.append(name, v);
          else params.append("taxonomy", `${name}:${v}`);
        }
      }
      if (!correct) params.set("correct", "0");
      this.live.textContent = this.t.loading;
      let data;
      try {
        const r = await fetch(`${SERVICE}/api/search?${params}`, { credentials: "omit", mode: "cors" });
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        data = await r.json();
      } catch (e) {
        if (seq !== this.seq) return;
        log("search failed:", e.message || e);
        this._show([], 0, null, this.t.unavailable);
        return;
      }
      if (seq !== this.seq) return;  // a newer search has started: never let this answer overwrite it
      const hits = append ? this.state.hits.concat(data.results) : data.results;
      Object.assign(this.state, { q, page, total: data.total, hits, corrected: data.corrected });
      if (!append) {
        this.state.sid = data.search_id || null;
        this.state.facets = data.facets || {};
      }
      this._show(hits, data.total, data, null);
      if (!append) {
        this._renderYears(this.state.facets.year);
        this._renderFacets();
      }
      if (!append && !this.state.year) this._suggest(q, seq);
    }

    async _suggest(q, seq) {
      // Completions of the last word typed, from the words of visible pages: a click searches them.
      this.suggestions.replaceChildren();
      if (q.split(/\s+/).pop().length < 2) return;
      const params = new URLSearchParams({ q });
      if (this.filterLang) params.set("lang", this.filterLang);
      let data;
      try {
        const r = await fetch(`${SERVICE}/api/suggest?${params}`, { credentials: "omit", mode: "cors" });
        if (!r.ok) return;
        data = await r.json();
      } catch (e) { return; }
      if (seq !== this.seq) return;
      for (const text of (data.suggestions || []).filter((s) => s.toLowerCase() !== q.toLowerCase()).slice(0, 5)) {
        const b = el("button", { type: "button" }, text);
        b.addEventListener("click", () => { this.input.value = text; this.state.year = ""; this._search(1, false); });
        this.suggestions.append(b);
      }
    }

    _show(hits, total, data, problem) {
      const t = this.t;
      this.list.replaceChildren();
      this.note.replaceChildren();
      this.state.active = -1;
      this.input.removeAttribute("aria-activedescendant");
      if (problem) {
        this.note.textContent = problem;
        this.years.replaceChildren();
        this.facets.replaceChildren();
        this.suggestions.replaceChildren();
      } else if (data && data.corrected) {
        const instead = el("a", { href: "#" }, `${t.instead} «${this.state.q}»`);
        instead.addEventListener("click", (e) => { e.preventDefault(); this._search(1, false, false); });
        this.note.append(`${t.showing} «${data.corrected}». `, instead);
      }
      if (!problem && data && data.relaxed && data.relaxed.length) {
        // Some hits lack words of the query: say which (they follow the hits with every word).
        const [open, close] = t.quotes;
        const words = data.relaxed.map((w) => `${open}${w}${close}`).join(", ");
        this.note.append(el("span", { class: "relaxed" }, t.relaxed(words, data.relaxed.length)));
      }
      hits.forEach((hit, i) => this.list.append(...this._options(hit, i)));
      if (!problem && total === 0) this.note.append(el("strong", {}, t.none), " ", t.tips);
      this.more.hidden = hits.length >= total;
      const all = new URL(`${SERVICE}/search`);
      all.search = new URLSearchParams({ q: this.state.q, lang: this.filterLang || this.lang2 }).toString();
      this.allLink.href = all.href;
      this.allLink.hidden = !!problem;
      this.panel.hidden = false;
      this.input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      this.live.textContent = problem ? problem : (total ? t.results(total) : t.none);
    }

    // A hit is an option (a card: picture, title, section · date, snippet, other languages), then one option per
    // matching section of a long page, indented under it: the arrow keys reach them all, none holds a link.
    _options(hit, i) {
      const t = this.t;
      const body = el("div", {}, marked(hit.title, el("span", { class: "title" })));
      const li = el("li", { role: "option", id: `${this.uid}-o${i}`, "aria-selected": "false", class: "card" });
      const img = hit.image && this._media(hit.image.url);
      if (img) {
        const pic = el("img", { class: "thumb", src: img, alt: hit.image.alt || "", width: "96", height: "64",
          loading: "lazy", decoding: "async" });
        pic.addEventListener("error", () => pic.remove());  // never a broken-picture icon
        li.append(pic);
      }
      li.append(body);
      const date = hit.dated !== false && day(hit.date, this.lang2);
      if (hit.section || date) {
        const meta = el("p", { class: "meta" });
        if (hit.section) meta.append(el("span", { class: "section" }, hit.section));
        if (hit.section && date) meta.append(" · ");
        if (date) meta.append(el("time", { class: "date", datetime: hit.date.slice(0, 10) }, date));
        body.append(meta);
      }
      if (hit.snippet) body.append(marked(hit.snippet, el("p", { class: "snippet" })));
      if (hit.match === "semantic") {
        const p = el("p", { class: "missing" }, el("span", { class: "semantic" }, t.semantic));
        if (hit.missing && hit.missing.length) p.append(" ", t.missing, " ", el("s", {}, hit.missing.join(", ")));
        body.append(p);
      } else if (hit.missing && hit.missing.length) {
        body.append(el("p", { class: "missing" }, t.missing, " ", el("s", {}, hit.missing.join(", "))));
      }
      const also = Object.entries(hit.translations || {})
        .map(([lang, url]) => [lang, this._link(url)]).filter(([, url]) => url);
      if (also.length) {
        const p = el("p", { class: "also" }, t.alsoIn, " ");
        // An option may hold no links (nothing focusable inside it): these open on a click.
        also.forEach(([lang, url], n) => {
          const name = el("span", { class: "lang", lang }, LANGUAGE_NAMES[lang] || lang);
          name.dataset.href = url;
          p.append(n ? " · " : "", name);
        });
        body.append(p);
      }
      const options = [this._target(li, hit.link || hit.url, i)];
      (hit.sections || []).slice(0, 3).forEach((s, n) => {
        const sub = el("li", { role: "option", id: `${this.uid}-o${i}-${n}`, "aria-selected": "false",
          class: img ? "sub under" : "sub" }, el("span", { class: "title" }, s.title || ""));
        if (s.snippet) sub.append(marked(s.snippet, el("p", { class: "snippet" })));
        options.push(this._target(sub, s.url, i));
      });
      return options;
    }

    _target(li, url, i) {
      const href = this._link(url);
      if (href) li.dataset.href = href;
      li.dataset.rank = String(i + 1);
      return li;
    }

    _link(url) {
      // Only http(s) links on the indexed site: never javascript:, data: or another host.
      if (!this.site) return null;
      try {
        const u = new URL(url, this.site);
        return (u.protocol === "http:" || u.protocol === "https:") && u.origin === this.site ? u.href : null;
      } catch (e) { return null; }
    }

    _media(url) {
      // A picture's path is on the Grav site (the host page, or site=), never on the search service.
      try {
        const u = new URL(url, this.getAttribute("site") ? this.site + "/" : document.baseURI);
        return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
      } catch (e) { return null; }
    }

    // Rebuild a row of chips, keeping the keyboard focus on the same chip (a chip's click rebuilds its row).
    _chips(box, build) {
      const a = this.shadowRoot.activeElement;
      const key = a && box.contains(a) ? a.dataset.key : null;
      box.replaceChildren();
      build();
      const again = key && [...box.querySelectorAll("button")].find((b) => b.dataset.key === key);
      if (again) again.focus();
    }

    _chip(key, label, pressed, onClick) {
      const b = el("button", { type: "button", "aria-pressed": pressed === null ? null : String(pressed) }, label);
      b.dataset.key = key;
      b.addEventListener("click", onClick);
      return b;
    }

    _renderYears(years) {
      this._chips(this.years, () => {
        if (!years || years.length < 2 && !this.state.year) return;
        const chip = (value, label) => this._chip(`y${value}`, label, this.state.year === value,
          () => { this.state.year = value; this._search(1, false); });
        this.years.append(chip("", this.t.anyYear));
        for (const f of years.slice(0, 12)) this.years.append(chip(f.value, `${f.value} (${f.count})`));
      });
    }

    // A row of chips per taxonomy (category, tag, then the others the site has): the 8 commonest values and the
    // chosen ones (even at 0), "more" for the rest. Chosen values of one taxonomy are either; taxonomies all hold.
    _renderFacets() {
      const t = this.t, facets = this.state.facets || {}, chosen = this.state.filters;
      const names = [...new Set(["category", "tag", ...Object.keys(facets), ...Object.keys(chosen)])]
        .filter((n) => !NOT_TAXONOMY.has(n));
      this._chips(this.facets, () => {
        for (const name of names) {
          const picked = chosen[name] || [];
          const values = (facets[name] || []).slice();
          for (const v of picked) if (!values.some((f) => f.value === v)) values.push({ value: v, count: 0 });
          // A row none of whose chips would narrow the results (each holds them all) is left out.
          if (!picked.length && values.every((f) => f.count >= this.state.total)) continue;
          const open = this.state.open.has(name);
          const label = t.names[name] || name.charAt(0).toUpperCase() + name.slice(1).replace(/[_-]/g, " ");
          const id = `${this.uid}-f-${name.replace(/[^\w-]/g, "_")}`;
          const row = el("div", { class: "chips", role: "group", "aria-labelledby": id },
            el("span", { class: "name", id }, label));
          values.forEach((f, n) => {
            const on = picked.includes(f.value);
            if (n >= TOP_CHIPS && !open && !on) return;
            row.append(this._chip(`f${name}:${f.value}`, `${f.value} (${f.count})`, on, () => this._toggle(name, f.value)));
          });
          if (values.length > TOP_CHIPS) {
            const text = open ? t.fewerChips : `${t.moreChips} ${values.length - TOP_CHIPS}`;
            const more = this._chip(`m${name}`, text, null, () => {
              if (open) this.state.open.delete(name);
              else this.state.open.add(name);
              this._renderFacets();
            });
            more.classList.add("toggle");
            more.setAttribute("aria-expanded", String(open));
            row.append(more);
          }
          this.facets.append(row);
        }
      });
    }

    _toggle(name, value) {
      const picked = this.state.filters[name] || [];
      const next = picked.includes(value) ? picked.filter((v) => v !== value) : picked.concat(value);
      if (next.length) this.state.filters[name] = next;
      else delete this.state.filters[name];
      this._search(1, false);
    }

    _key(e) {
      const items = this.list.querySelectorAll("li[role=option]");
      if (e.key === "Escape") { e.preventDefault(); this._clear(); return; }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!items.length) return;
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        this._activate((this.state.active + step + items.length) % items.length, items);
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (this.state.active >= 0 && items[this.state.active]) this._open(items[this.state.active]);
        else { clearTimeout(this.timer); this.state.year = ""; this._search(1, false); }
      }
    }

    _activate(index, items) {
      items.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
      this.state.active = index;
      this.input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }

    _open(li) {
      if (!li.dataset.href) return;
      if (this.state.sid) {  // count the click (no cookie, no address): which result of which search
        const p = new URLSearchParams({ sid: this.state.sid, rank: li.dataset.rank });
        fetch(`${SERVICE}/api/click?${p}`, { credentials: "omit", mode: "cors", keepalive: true }).catch(() => {});
      }
      location.assign(li.dataset.href);
    }
  }

  customElements.define(NAME, PoiskSearch);
})();
