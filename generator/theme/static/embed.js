// chronoline: the embed page shows one event at a time (buttons, arrow keys, the strip), and
// the timeline page's embed code gets a Copy button. Each part does nothing where its elements
// are absent; without this script the embed page lists every event.
// Wrapped in a function: a classic script's top-level names are shared with every other one.
(() => {
  "use strict";

  function typing(target) {
    return target instanceof Element && target.closest("input, textarea, select, [contenteditable]");
  }

  function slideshow(list) {
    const items = Array.from(list.children);
    const marks = Array.from(document.querySelectorAll(".embed-strip a[data-slug]"));
    const previous = document.querySelector(".embed-previous");
    const next = document.querySelector(".embed-next");
    const at = document.querySelector(".embed-at");
    const status = document.querySelector(".embed-status");
    const main = document.querySelector(".embed-main");
    const slugs = items.map((item) => item.querySelector("[data-slug]").dataset.slug);
    let current = -1;

    function show(index, announce) {
      const chosen = Math.max(0, Math.min(items.length - 1, index));
      items.forEach((item, i) => { item.hidden = i !== chosen; });
      marks.forEach((mark, i) => {
        if (i === chosen) mark.setAttribute("aria-current", "true");
        else mark.removeAttribute("aria-current");
        mark.tabIndex = i === chosen ? 0 : -1; // the strip is one stop for Tab; arrows move on
      });
      if (previous) previous.disabled = chosen === 0;
      if (next) next.disabled = chosen === items.length - 1;
      if (at) at.textContent = String(chosen + 1);
      if (main) main.scrollTop = 0;
      if (announce && status) {
        const title = items[chosen].querySelector("h2");
        status.textContent = `${chosen + 1} / ${items.length}: ${title ? title.textContent : ""}`;
      }
      current = chosen;
    }

    function move(step) {
      const onMark = marks.includes(document.activeElement);
      show(current + step, true);
      if (onMark) marks[current].focus();
      // A button that just became disabled loses focus; keep it on the pair.
      if (document.activeElement === document.body || document.activeElement?.disabled) {
        (step > 0 ? previous : next)?.focus();
      }
    }

    function start() {
      const asked = new URLSearchParams(location.search).get("event")
        || location.hash.replace(/^#event-/, "");
      const found = slugs.indexOf(asked);
      return found >= 0 ? found : Number(list.dataset.start) || 0;
    }

    document.documentElement.classList.add("embed-js");
    for (const element of [previous, next, document.querySelector(".embed-count")]) {
      if (element) element.hidden = false;
    }
    previous?.addEventListener("click", () => move(-1));
    next?.addEventListener("click", () => move(1));
    marks.forEach((mark, i) => mark.addEventListener("click", (event) => {
      event.preventDefault();
      show(i, true);
    }));
    document.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || typing(event.target)) return;
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        event.preventDefault();
        move(event.key === "ArrowLeft" ? -1 : 1);
      }
    });
    show(start(), false);
  }

  function copier(box) {
    const field = box.querySelector("textarea");
    const button = box.querySelector("button");
    const said = box.querySelector("[role=status]");
    if (!field || !button) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
      } catch {
        document.execCommand("copy"); // where the Clipboard API is missing or refused
      }
      if (said) said.textContent = button.dataset.copied || "";
    });
  }

  const list = document.querySelector(".embed-list");
  if (list && list.children.length) slideshow(list);
  document.querySelectorAll(".embed-code").forEach(copier);
})();
