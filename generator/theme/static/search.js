// The search box: shown only where this script runs; Pagefind's files (pagefind/ under the
// site's root) load on the box's first use, so a page that is only read loads none of them.
// Results are built as text nodes: nothing in an event's words becomes markup, except the
// <mark> around the words found.
(() => {
  "use strict";
  const box = document.querySelector("search.site-search");
  // Browsers refuse module imports from file:// pages: there the box stays hidden.
  if (!box || location.protocol === "file:") return;
  const input = box.querySelector("#site-search-input");
  const status = box.querySelector("#site-search-status");
  const list = box.querySelector("#site-search-results");
  if (!input || !status || !list) return;
  const SHOWN = 20; // results listed; the status says how many matched
  const root = new URL(box.dataset.root || "./", location.href);
  const folder = new URL("pagefind/", root);
  let loading = null; // the promise of the Pagefind module, merged with every bundle
  let loads = 0; // each load imports a fresh module: an index rewritten meanwhile is read anew
  let asked = 0; // the latest search: an older one that ends later is dropped
  let timer = 0;

  function load() {
    loading ??= (async () => {
      const answer = await fetch(new URL("bundles.json", folder));
      if (!answer.ok) throw new Error(`pagefind/bundles.json: ${answer.status}`);
      const bundles = (await answer.json()).bundles;
      if (!bundles.length) return null; // a site without events: nothing to find
      const first = new URL(`${bundles[0]}/`, folder);
      const module = new URL("pagefind.js", first);
      if (++loads > 1) module.search = `?load=${loads}`;
      const pagefind = await import(module.href);
      await pagefind.options({ basePath: first.pathname, baseUrl: root.pathname });
      await Promise.all(bundles.slice(1).map((bundle) => pagefind.mergeIndex(
        new URL(`${bundle}/`, folder).pathname, { baseUrl: root.pathname })));
      return pagefind;
    })();
    return loading;
  }

  function say(text) {
    status.textContent = text;
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
  }

  // Pagefind's excerpt is the page's words with &, <, > and quotes escaped, and <mark> around
  // each match: the marks are made elements, the rest is unescaped into text, never parsed.
  const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  function unescape(text) {
    return text.replace(/&(#[0-9]+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name) => {
      if (name[0] !== "#") return NAMED[name.toLowerCase()] ?? whole;
      const code = name[1] === "x" || name[1] === "X"
        ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
  }

  function excerpt(text, into) {
    let marked = false;
    for (const part of text.split(/(<mark>|<\/mark>)/)) {
      if (part === "<mark>" || part === "</mark>") {
        marked = part === "<mark>";
      } else if (part) {
        const node = document.createTextNode(unescape(part));
        if (marked) {
          const mark = document.createElement("mark");
          mark.append(node);
          into.append(mark);
        } else {
          into.append(node);
        }
      }
    }
  }

  function item(data) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    const title = document.createElement("p");
    title.className = "site-search-title";
    title.append(link);
    li.append(title);
    if (data.meta.date) {
      const date = document.createElement("p");
      date.className = "site-search-date";
      date.textContent = data.meta.date;
      li.append(date);
    }
    const text = document.createElement("p");
    text.className = "site-search-excerpt";
    excerpt(data.excerpt || "", text);
    li.append(text);
    return li;
  }

  async function search(term) {
    const mine = ++asked;
    if (!term) {
      close();
      say("");
      return;
    }
    let count, shown;
    // A dev server rewrites the index after an edit: files read before and after that do not
    // fit together, and a second try with the index read anew finds the words.
    for (let tries = 1; ; tries++) {
      try {
        const pagefind = await load();
        const results = pagefind ? (await pagefind.search(term)).results : [];
        count = results.length;
        shown = await Promise.all(results.slice(0, SHOWN).map((result) => result.data()));
        break;
      } catch (error) {
        loading = null; // the next try, or the next keystroke, loads the index again
        console.error(error);
        if (mine !== asked) return;
        if (tries === 2) {
          say(box.dataset.failed);
          return;
        }
      }
    }
    if (mine !== asked) return;
    list.replaceChildren(...shown.map(item));
    list.hidden = shown.length === 0;
    say(box.dataset.found.replace("{count}", count));
  }

  function links() {
    return [...list.querySelectorAll("a")];
  }

  function typing(target) {
    return target instanceof HTMLElement && (target.isContentEditable ||
      ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value.trim()), 80);
  });
  input.addEventListener("focus", () => { load().catch(() => { loading = null; }); }, { once: true });
  box.addEventListener("keydown", (event) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      if (list.hidden && event.target === input) input.value = "";
      close();
      input.focus();
    } else if (event.key === "ArrowDown" && all.length) {
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      (at === 0 ? input : all[at - 1]).focus();
    } else {
      return;
    }
    event.preventDefault();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey ||
        event.defaultPrevented || typing(event.target)) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
  document.addEventListener("click", (event) => {
    if (!box.contains(event.target)) close();
  });
  box.hidden = false;
})();
