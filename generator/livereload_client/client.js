// Live reload: the dev server adds this script to every page as it serves it.
(() => {
  "use strict";
  const script = document.currentScript;
  const session = script.dataset.session;
  let epoch = Number(script.dataset.epoch);
  const channel = script.src.replace(/client\.js$/, "");
  const scrollKey = "livereload-scroll:" + location.pathname;

  // A reload keeps the reader where they were.
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const restore = () => window.scrollTo(0, Number(saved));
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore);
  }

  function overlay(error) {
    let box = document.getElementById("livereload-error");
    if (!error) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "livereload-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#2b0b0b;color:#ffe0e0;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;" +
        "border-top:4px solid #ff5c5c;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
      const title = document.createElement("strong");
      title.textContent = "The site could not be rebuilt. This page is the last good version.";
      const text = document.createElement("pre");
      text.style.cssText = "margin:.5rem 0 0;white-space:pre-wrap;font:inherit";
      box.append(title, text);
      document.body.append(box);
    }
    box.querySelector("pre").textContent = error;
  }

  function swapStyles() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("livereload", String(epoch));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove());
      link.after(fresh);
    }
  }

  // This page's path as the server names the pages that changed.
  function here() {
    let path = location.pathname;
    try {
      path = decodeURIComponent(path);
    } catch (error) {
      // not valid UTF-8 once decoded: no page of the site has that name
    }
    return path.endsWith("/index.html") ? path.slice(0, -"index.html".length) : path;
  }

  // An edit rewrites a few pages: a tab showing another one stays. The state names the
  // pages of the last few changes; a tab older than those cannot know, and reloads.
  function pageChanged(state, missed) {
    if (state.session !== session) return true;
    if (state.page_epoch <= epoch) return false;
    if (epoch < state.known_since) return true;
    return missed.some(([, pages]) => pages === null || pages.includes(here()));
  }

  function apply(state) {
    overlay(state.error);
    if (state.error) return;
    const missed = (state.recent || []).filter(([at]) => at > epoch);
    if (pageChanged(state, missed)) {
      sessionStorage.setItem(scrollKey, String(window.scrollY));
      location.reload();
    } else if (state.epoch > epoch) {
      // The epochs that changed no page changed the styles.
      const styles = state.epoch - epoch > missed.length;
      epoch = state.epoch;
      if (styles) swapStyles();
    }
  }

  function listen() {
    if (window.SharedWorker) {
      try {
        // One stream for all tabs: a browser allows only six connections per host.
        const worker = new SharedWorker(channel + "worker.js", { name: "livereload" });
        worker.port.onmessage = (event) => apply(event.data);
        worker.port.start();
        window.addEventListener("pagehide", () => worker.port.postMessage("close"));
        return;
      } catch (error) {
        // SharedWorker refused (a private window in some browsers): one stream per tab.
      }
    }
    const source = new EventSource(channel + "events");
    source.onmessage = (event) => apply(JSON.parse(event.data));
  }

  // A tab that slept may have missed messages: it asks for the state when it wakes.
  function catchUp() {
    fetch(channel + "state", { cache: "no-store" })
      .then((response) => response.json())
      .then(apply)
      .catch(() => {});
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) catchUp();
  });
  document.addEventListener("resume", catchUp); // a frozen tab, thawed (Page Lifecycle API)
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) catchUp();
  });

  overlay(script.dataset.error);
  listen();
})();
