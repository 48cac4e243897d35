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
  // Past 500 events the overview counts per period: `data-first` and `data-last` are its
  // bounds, as the start of a `<time datetime>` value ("2018-03", "2010").
  const bins = [...overview.querySelectorAll("a[data-first]")];
  const holds = (bin, when) =>
    when.slice(0, bin.dataset.first.length) >= bin.dataset.first &&
    when.slice(0, bin.dataset.last.length) <= bin.dataset.last;

  const inView = new Set();
  let painting = false;
  const paint = () => {
    painting = false;
    const current = new Set();
    for (const article of inView) {
      for (const mark of marksOf.get(article.id.slice("event-".length)) || []) current.add(mark);
      const when = bins.length && article.querySelector("time")?.getAttribute("datetime");
      if (when) for (const bin of bins) if (holds(bin, when)) current.add(bin);
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
