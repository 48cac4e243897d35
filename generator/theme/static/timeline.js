// chronoline's timeline page: filter the list by tag and lane in place, and move through it
// with j and k.
// The page reads without this file: its tag list then links the tag pages. Every part looks for
// the elements it needs and does nothing when they are missing (a site's own layouts may drop
// them).
(() => {
  "use strict";

  const EVENT = "article.event[id^='event-']";
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  /** The list item that holds an event, which is what hides. */
  const itemOf = (event) => event.closest("li") || event;

  /** Hide or show what the filter manages; never shows what something else hid. */
  function setFiltered(element, hide) {
    if (hide && !element.hidden) {
      element.hidden = true;
      element.dataset.filtered = "";  // print shows it all the same (style.css)
    } else if (!hide && "filtered" in element.dataset) {
      element.hidden = false;
      delete element.dataset.filtered;
    }
  }

  const hasVisibleEvent = (element) =>
    Array.prototype.some.call(element.querySelectorAll(EVENT), (event) => !itemOf(event).hidden);

  /** Day groups, month headings with their lists, and years with nothing left to show hide;
   * a gap shows only between two events still shown, and once between them. */
  function hideEmptyGroups(list, filtering) {
    for (const day of list.querySelectorAll("li.day")) {
      setFiltered(day, filtering && !hasVisibleEvent(day));
    }
    for (const heading of list.querySelectorAll(".month")) {
      const events = heading.nextElementSibling;
      const empty = filtering && events !== null && !hasVisibleEvent(events);
      setFiltered(heading, empty);
      if (events !== null) setFiltered(events, empty);
    }
    for (const year of list.querySelectorAll("section.year")) {
      setFiltered(year, filtering && !hasVisibleEvent(year));
    }
    let afterEvent = false;
    let waiting = null;  // the last gap since a shown event: shown if another event follows
    for (const element of list.querySelectorAll(`li.gap, ${EVENT}`)) {
      if (element.matches("li.gap")) {
        if (!filtering) {
          setFiltered(element, false);
          continue;
        }
        // The last of several gaps is the one beside the next event shown, in its year.
        if (waiting !== null) setFiltered(waiting, true);
        waiting = afterEvent ? element : null;
        if (waiting === null) setFiltered(element, true);
      } else if (!itemOf(element).hidden) {
        if (waiting !== null) setFiltered(waiting, false);
        waiting = null;
        afterEvent = true;
      }
    }
    if (waiting !== null) setFiltered(waiting, true);
  }

  /** One group of toggles, made of the filter's elements that carry `data-${key}`: the
   * choice in it, kept in the address as `${param}=a,b` (the events in no lane, whose
   * toggle's value is "", as "-"). */
  function toggleGroup(box, key, param, className) {
    const toggles = Array.from(box.querySelectorAll(`[data-${key}]`)).map((element) => {
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = className;
      toggle.dataset[key] = element.dataset[key];
      toggle.setAttribute("aria-pressed", "false");
      toggle.append(...element.childNodes);
      element.replaceWith(toggle);
      return toggle;
    });
    const inUrl = (value) => value || "-";
    const known = new Map(toggles.map((t) => [inUrl(t.dataset[key]), t.dataset[key]]));
    const value = new URLSearchParams(window.location.search).get(param) || "";
    const named = value.split(",").map((v) => v.trim().toLowerCase());
    const chosen = new Set(named.filter((v) => known.has(v)).map((v) => known.get(v)));
    return {
      toggles,
      chosen,
      valueOf: (toggle) => toggle.dataset[key],
      inUrl: () =>
        toggles.map((t) => t.dataset[key]).filter((v) => chosen.has(v)).map(inUrl).join(","),
    };
  }

  /** The events shown are those with a chosen tag (any, when none is chosen) and in a chosen
   * lane (any, when none is). */
  function tagFilter(box, list) {
    const events = Array.from(list.querySelectorAll(EVENT));
    const hasTags = box.querySelector("a[data-tag]") !== null;
    const hasLanes = box.querySelector(".lane-filter [data-lane]") !== null;
    // A site's own list markup without data-tags cannot be filtered: the links stay links.
    if (!events.length || !(hasTags || hasLanes) ||
        (hasTags && !events.some((e) => e.hasAttribute("data-tags")))) {
      return;
    }
    const tags = toggleGroup(box, "tag", "tags", "filter-tag");
    const lanes = toggleGroup(box.querySelector(".lane-filter") || box, "lane", "lanes",
      "filter-tag filter-lane");
    const groups = [tags, lanes];
    const tagsOf = new Map(events.map((e) => [e, (e.dataset.tags || "").split(" ")]));
    const status = box.querySelector(".filter-status");
    const clear = box.querySelector(".filter-clear");
    for (const hidden of [box, box.querySelector(".lane-filter")]) {
      if (hidden !== null) hidden.hidden = false;  // lanes filter only with this script
    }

    function putInUrl() {
      const url = new URL(window.location.href);
      const others = new URLSearchParams(url.search);
      others.delete("tags");
      others.delete("lanes");
      // Written by hand: URLSearchParams would spell each comma %2C.
      const chosen = [["tags", tags.inUrl()], ["lanes", lanes.inUrl()]]
        .filter(([, value]) => value).map(([name, value]) => `${name}=${value}`);
      url.search = [others.toString(), ...chosen].filter(Boolean).join("&");
      if (url.href !== window.location.href) {
        window.history.replaceState(window.history.state, "", url);
      }
    }

    function show() {
      const filtering = tags.chosen.size > 0 || lanes.chosen.size > 0;
      let visible = 0;
      const hidden = new Set();
      for (const [event, its] of tagsOf) {
        const keep = (tags.chosen.size === 0 || its.some((t) => tags.chosen.has(t))) &&
          (lanes.chosen.size === 0 || lanes.chosen.has(event.dataset.lane || ""));
        setFiltered(itemOf(event), !keep);
        if (keep) visible += 1;
        else hidden.add(event.id.slice("event-".length));
      }
      hideEmptyGroups(list, filtering);
      // The overview's marks are looked up each time: cheap, and they may come after this.
      for (const mark of document.querySelectorAll(".overview a[data-slug]")) {
        mark.classList.toggle("is-filtered-out", hidden.has(mark.dataset.slug));
      }
      for (const group of groups) {
        for (const toggle of group.toggles) {
          toggle.setAttribute("aria-pressed", String(group.chosen.has(group.valueOf(toggle))));
        }
      }
      if (status) status.textContent = box.dataset.status.replace("{visible}", String(visible));
      if (clear) clear.hidden = !filtering;
    }

    box.addEventListener("click", (click) => {
      const toggle = click.target.closest("button.filter-tag");
      if (toggle === null) return;
      const group = groups.find((g) => g.toggles.includes(toggle));
      const value = group.valueOf(toggle);
      if (group.chosen.has(value)) group.chosen.delete(value);
      else group.chosen.add(value);
      show();
      putInUrl();
    });
    if (clear) {
      clear.addEventListener("click", () => {
        for (const group of groups) group.chosen.clear();
        show();
        putInUrl();
        // The clear button hides: keep the reader's place in the filter.
        (tags.toggles[0] || lanes.toggles[0]).focus();
      });
    }
    show();
    putInUrl();  // drops the tags and lanes no one knows
  }

  /** Whether a key pressed on `target` is typing, which shortcuts must leave alone. */
  const typing = (target) =>
    target instanceof Element &&
    (target.isContentEditable || target.closest("input, textarea, select") !== null);

  /** The event a move starts from: the focused one, else the one in the address. */
  function startingEvent() {
    const focused = document.activeElement && document.activeElement.closest(EVENT);
    if (focused) return focused;
    let id = window.location.hash.slice(1);
    try {
      id = decodeURIComponent(id);
    } catch {
      return null;  // an address mangled by hand names no event
    }
    const named = id ? document.getElementById(id) : null;
    return named && named.matches(EVENT) ? named : null;
  }

  /** The next (step 1) or previous (step -1) event shown, from where the reader is. */
  function nextEvent(step) {
    const events = Array.from(document.querySelectorAll(EVENT));
    const shown = (event) => event.getClientRects().length > 0;
    const from = startingEvent();
    if (from !== null) {
      const at = events.indexOf(from);
      const ahead = step > 0 ? events.slice(at + 1) : events.slice(0, at).reverse();
      return ahead.find(shown) || null;
    }
    // Nowhere yet: from the top of the screen, the first event below it or the last above it.
    const visible = events.filter(shown);
    const top = (event) => event.getBoundingClientRect().top;
    return step > 0
      ? visible.find((e) => top(e) > 1) || null
      : visible.reverse().find((e) => top(e) < -1) || null;
  }

  function moveTo(event) {
    const url = new URL(window.location.href);
    url.hash = event.id;
    window.history.replaceState(window.history.state, "", url);
    const link = event.querySelector(".event-title a");
    if (link) link.focus({ preventScroll: true });
    event.scrollIntoView({ block: "start", behavior: reducedMotion.matches ? "auto" : "smooth" });
  }

  function keyboard() {
    document.addEventListener("keydown", (key) => {
      if (key.defaultPrevented || key.ctrlKey || key.altKey || key.metaKey || key.isComposing) {
        return;
      }
      if ((key.key !== "j" && key.key !== "k") || typing(key.target)) return;
      const event = nextEvent(key.key === "j" ? 1 : -1);
      if (event === null) return;
      key.preventDefault();
      moveTo(event);
    });
  }

  const list = document.querySelector(".timeline-list");
  const box = document.querySelector(".tag-filter");
  if (list !== null && box !== null) tagFilter(box, list);
  if (document.querySelector(EVENT) !== null) keyboard();
})();
