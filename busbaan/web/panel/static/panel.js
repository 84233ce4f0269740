// The case panel as a Matrix widget: answer the client's capabilities request, ask
// for an OpenID token (widget API get_openid), send it to busbaan, show the facts.
"use strict";
(function () {
  const params = new URLSearchParams(location.search);
  const roomId = params.get("room_id");
  const widgetId = params.get("widgetId");
  const box = document.getElementById("paneel");
  let seq = 0;

  function send(action, data) {
    window.parent.postMessage({api: "fromWidget", widgetId: widgetId, requestId: "bb" + (++seq),
                               action: action, data: data || {}}, "*");
  }

  function text(tag, value) {
    const el = document.createElement(tag);
    el.textContent = value;
    return el;
  }

  function show(data) {
    box.replaceChildren();
    box.append(text("p", "Zo leest de cliënt het op 'Mijn hulpvraag'."));
    box.append(text("h2", "Wie heeft de regie?"));
    data.who.concat(data.earlier).forEach(function (line) { box.append(text("p", line)); });
    box.append(text("h2", "Wie mag wat weten?"));
    const list = document.createElement("ul");
    [data.home].concat(data.grants).forEach(function (line) { list.append(text("li", line)); });
    box.append(list);
    if (data.open_proposals.length) {
      box.append(text("h2", "Wacht op een antwoord van de cliënt"));
      const asked = document.createElement("ul");
      data.open_proposals.forEach(function (line) { asked.append(text("li", line)); });
      box.append(asked);
    }
    box.append(text("h2", "Wat is er gebeurd?"));
    const steps = document.createElement("ol");
    data.timeline.forEach(function (s) { steps.append(text("li", s.date + " — " + s.text)); });
    box.append(steps);
  }

  async function verify(credentials) {
    const resp = await fetch("/casus/paneel/sessie", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({room_id: roomId, openid: credentials})});
    const body = await resp.json();
    if (body.ok) { show(body); } else { box.replaceChildren(text("p", body.message)); }
  }

  window.addEventListener("message", function (ev) {
    const msg = ev.data || {};
    if (msg.api === "toWidget") {
      if (msg.action === "capabilities") {
        window.parent.postMessage(Object.assign({}, msg, {response: {capabilities: []}}), "*");
        send("get_openid");
      } else if (msg.action === "openid_credentials" && msg.data && msg.data.state === "allowed") {
        window.parent.postMessage(Object.assign({}, msg, {response: {}}), "*");
        verify(msg.data);
      } else {
        window.parent.postMessage(Object.assign({}, msg, {response: {}}), "*");
      }
    } else if (msg.api === "fromWidget" && msg.action === "get_openid" && msg.response) {
      if (msg.response.state === "allowed") { verify(msg.response); }
      else if (msg.response.state === "blocked") {
        box.replaceChildren(text("p", "U gaf geen toestemming om te zien wie u bent."));
      }
    }
  });
})();
