// chronoline: the overview shows where the reader is. While the list scrolls, the marks of the
// events in view (or the periods that hold them) are highlighted. Only colours change, so
// nothing on the page moves; pages without an overview are left alone.
(() => {
  "use strict";
  const overview = document.querySelector(".overview");
  const articles = document.querySelectorAll("article.event[id^='event-']");
  if (!overview || !articles.length || !("IntersectionObserver" in window)) return;

  const marksOf = new Map(); // an event's slug → the marks that stand for it
  for (const mark of overview.querySelectorAll("a[data-slug]")) {
    for (const slug of (mark.dataset.slugs || mark.dataset.slug).split(" ")) {
      if (!marksOf.has(slug)) marksOf.set(slug, []);
      marksOf.get(slug).push(mark);
    }
  }
  // Past 500 events the overview counts per period: `data-from` and `data-to` are its first
  // day and the day after its last, and an event's `data-at` the day it begins on, all in
  // days since 1970 (negative before it, to billions of years ago): numbers, compared as such.
  const bins = [...overview.querySelectorAll("a[data-from]")].map((bin) => ({
    bin, from: Number(bin.dataset.from), to: Number(bin.dataset.to),
  }));

  const inView = new Set();
  let painting = false;
  const paint = () => {
    painting = false;
    const current = new Set();
    for (const article of inView) {
      for (const mark of marksOf.get(article.id.slice("event-".length)) || []) current.add(mark);
      const at = bins.length && article.dataset.at ? Number(article.dataset.at) : NaN;
      for (const { bin, from, to } of bins) if (at >= from && at < to) current.add(bin);
    }
    for (const mark of overview.querySelectorAll(".is-current")) {
      if (!current.has(mark)) mark.classList.remove("is-current");
    }
    for (const mark of current) mark.classList.add("is-current");
  };

  // An overview that stays at the top covers the events scrolled under it: they are not in view.
  const covered = getComputedStyle(overview).position === "sticky" ? overview.offsetHeight : 0;
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) inView.add(entry.target);
      else inView.delete(entry.target);
    }
    if (!painting) {
      painting = true;
      requestAnimationFrame(paint);
    }
  }, { rootMargin: `-${covered}px 0px 0px 0px` });
  for (const article of articles) observer.observe(article);
})();
