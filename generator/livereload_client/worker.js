// Live reload: one Server-Sent Events stream shared by every tab of the site in this browser.
"use strict";
const ports = new Set();
let last = null;
const source = new EventSource("events");
source.onmessage = (event) => {
  last = JSON.parse(event.data);
  for (const port of ports) port.postMessage(last);
};
onconnect = (event) => {
  const port = event.ports[0];
  ports.add(port);
  port.onmessage = (message) => {
    if (message.data === "close") ports.delete(port);
  };
  port.start();
  if (last) port.postMessage(last);
};
