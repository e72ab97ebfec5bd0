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
  const DEBOUNCE_MS = 180, PER_PAGE = 8;
  const LANGUAGE_NAMES = { kk: "Қазақша", ru: "Русский", en: "English" };
  const log = (...a) => console.warn("[poisk-search]", ...a);

  // Interface strings, as data.
  const STRINGS = {
    kk: { label: "Іздеу", placeholder: "Сайттан іздеу…", results: (n) => `${n} нәтиже`, none: "Ештеңе табылмады",
          tips: "Басқа сөздерді қолданып көріңіз.", more: "Тағы көрсету", all: "Барлық нәтижелер",
          showing: "Нәтижелер:", instead: "Іздеу:", clear: "Тазалау", unavailable: "Іздеу бұл сайттан қолжетімсіз.",
          years: "Жыл бойынша", anyYear: "Барлық жылдар", loading: "Ізделуде…", alsoIn: "Басқа тілдерде:", suggest: "Ұсыныстар",
          relaxed: (w, n) => `${w} ${n > 1 ? "сөздері" : "сөзі"} жоқ беттер де көрсетілген.`, missing: "Жоқ сөз:", semantic: "Мағынасы жақын.", quotes: ["«", "»"] },
    ru: { label: "Поиск", placeholder: "Поиск по сайту…", results: (n) => `Найдено: ${n}`, none: "Ничего не найдено",
          tips: "Попробуйте другие слова.", more: "Показать ещё", all: "Все результаты",
          showing: "Показаны результаты по запросу", instead: "Искать", clear: "Очистить",
          unavailable: "Поиск недоступен с этого сайта.", years: "По годам", anyYear: "Все годы", loading: "Ищем…",
          alsoIn: "Также:", suggest: "Подсказки",
          relaxed: (w, n) => `Показаны страницы без ${n > 1 ? "слов" : "слова"} ${w}.`, missing: "Нет слова:", semantic: "Близко по смыслу.", quotes: ["«", "»"] },
    en: { label: "Search", placeholder: "Search this site…", results: (n) => `${n} result${n === 1 ? "" : "s"}`,
          none: "No results", tips: "Try other words.", more: "Show more", all: "All results",
          showing: "Showing results for", instead: "Search instead for", clear: "Clear",
          unavailable: "Search is not available from this site.", years: "By year", anyYear: "Any year",
          loading: "Searching…", alsoIn: "Also in:", suggest: "Suggestions",
          relaxed: (w) => `Also showing pages without ${w}.`, missing: "Missing:", semantic: "Related by meaning.", quotes: ["“", "”"] },
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
.panel[hidden] { display: none; }
.note, .status { color: var(--poisk-muted); font-size: .9rem; margin: .2rem .2rem .4rem; }
.note a { color: var(--poisk-accent); }
.years { display: flex; flex-wrap: wrap; gap: .3rem; margin: 0 0 .4rem; padding: 0; }
ul[role=listbox] { list-style: none; margin: 0; padding: 0; }
li[role=option] { padding: .45rem .5rem; border-radius: var(--poisk-radius); cursor: pointer; }
li[role=option][aria-selected="true"] { background: #e8f0fa; outline: 2px solid var(--poisk-accent); }
.title { color: var(--poisk-accent); font-weight: 600; text-decoration: underline; }
.date { color: var(--poisk-muted); font-size: .8rem; }
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

  let counter = 0;

  class PoiskSearch extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const lang = (this.getAttribute("lang") || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
      this.lang2 = STRINGS[lang] ? lang : "en";
      this.t = STRINGS[this.lang2];
      this.filterLang = this.getAttribute("filter-lang") || "";
      this.site = this._site();
      this.uid = `poisk-${++counter}`;
      this.seq = 0;
      this.state = { q: "", page: 1, year: "", total: 0, hits: [], active: -1, corrected: null };
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
      this.list = el("ul", { id: `${id}-list`, role: "listbox", "aria-label": t.label });
      this.more = el("button", { type: "button" }, t.more);
      this.allLink = el("a", { href: "#" }, t.all);
      this.panel = el("div", { class: "panel", hidden: "" }, this.note, this.suggestions, this.years, this.list,
        el("div", { class: "foot" }, this.more, this.allLink));
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
        if (li) this._open(Number(li.dataset.index));
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
      if (this.state.year) params.set("year", this.state.year);
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
      if (!append) this.state.sid = data.search_id || null;
      this._show(hits, data.total, data, null);
      if (!append) this._renderYears(data.facets && data.facets.year);
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
      hits.forEach((hit, i) => this.list.append(this._option(hit, i)));
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

    _option(hit, i) {
      const href = this._link(hit.url);
      const title = marked(hit.title, el("span", { class: "title" }));
      const li = el("li", { role: "option", id: `${this.uid}-o${i}`, "aria-selected": "false" }, title);
      li.dataset.index = String(i);
      if (hit.date) li.append(" ", el("span", { class: "date" }, hit.date.slice(0, 10)));
      if (hit.snippet) li.append(marked(hit.snippet, el("p", { class: "snippet" })));
      if (hit.match === "semantic") {
        const p = el("p", { class: "missing" }, el("span", { class: "semantic" }, this.t.semantic));
        if (hit.missing && hit.missing.length) p.append(" ", this.t.missing, " ", el("s", {}, hit.missing.join(", ")));
        li.append(p);
      } else if (hit.missing && hit.missing.length) {
        li.append(el("p", { class: "missing" }, this.t.missing, " ", el("s", {}, hit.missing.join(", "))));
      }
      const also = Object.entries(hit.translations || {})
        .map(([lang, url]) => [lang, this._link(url)]).filter(([, url]) => url);
      if (also.length) {
        const p = el("p", { class: "also" }, this.t.alsoIn, " ");
        // An option may hold no links (nothing focusable inside it): these open on a click.
        also.forEach(([lang, url], i) => {
          const name = el("span", { class: "lang", lang }, LANGUAGE_NAMES[lang] || lang);
          name.dataset.href = url;
          p.append(i ? " · " : "", name);
        });
        li.append(p);
      }
      if (href) li.dataset.href = href;
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

    _renderYears(years) {
      this.years.replaceChildren();
      if (!years || years.length < 2 && !this.state.year) return;
      const chip = (value, label) => {
        const b = el("button", { type: "button", "aria-pressed": String(this.state.year === value) }, label);
        b.addEventListener("click", () => { this.state.year = value; this._search(1, false); });
        return b;
      };
      this.years.append(chip("", this.t.anyYear));
      for (const f of years.slice(0, 12)) this.years.append(chip(f.value, `${f.value} (${f.count})`));
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
        if (this.state.active >= 0) this._open(this.state.active);
        else { clearTimeout(this.timer); this.state.year = ""; this._search(1, false); }
      }
    }

    _activate(index, items) {
      items.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
      this.state.active = index;
      this.input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }

    _open(index) {
      const li = this.list.querySelector(`li[data-index="${index}"]`);
      if (!li || !li.dataset.href) return;
      if (this.state.sid) {  // count the click (no cookie, no address): which result of which search
        const p = new URLSearchParams({ sid: this.state.sid, rank: String(index + 1) });
        fetch(`${SERVICE}/api/click?${p}`, { credentials: "omit", mode: "cors", keepalive: true }).catch(() => {});
      }
      location.assign(li.dataset.href);
    }
  }

  customElements.define(NAME, PoiskSearch);
})();
