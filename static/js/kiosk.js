/* Kiosk tablet: a survey left part-answered by one resident must not be seen by the next.
   After OPINIA_KIOSK_IDLE_SECONDS without any touch or key, a dialog asks whether the resident needs
   more time; any touch or key keeps the answers (WCAG 2.2.1 "extend"), otherwise after 20 seconds the
   tablet starts an empty survey. Loaded from this server only, so a strict CSP allows it; without
   JavaScript the kiosk still works, it just does not clear abandoned answers. */
(function () {
  "use strict";
  var form = document.querySelector("form.survey[data-idle-seconds]");
  var dialog = document.getElementById("idle-warning");
  if (!form || !dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var idleMs = Number(form.getAttribute("data-idle-seconds")) * 1000;
  var graceMs = Number(form.getAttribute("data-grace-seconds")) * 1000;
  var freshUrl = form.getAttribute("data-fresh-url");
  var idleTimer = null;
  var graceTimer = null;

  function hasAnswers() {
    if (form.querySelector("input[type=radio]:checked")) {
      return true;
    }
    return Array.prototype.some.call(form.querySelectorAll("textarea"), function (box) {
      return box.value.trim() !== "";
    });
  }

  function startAfresh() {
    location.replace(freshUrl);
  }

  function warn() {
    if (!hasAnswers()) {
      keepGoing();
      return;
    }
    dialog.showModal();
    graceTimer = window.setTimeout(startAfresh, graceMs);
  }

  function keepGoing() {
    window.clearTimeout(idleTimer);
    window.clearTimeout(graceTimer);
    if (dialog.open) {
      dialog.close();
    }
    idleTimer = window.setTimeout(warn, idleMs);
  }

  function onActivity(event) {
    // Opening the dialog moves the focus (a text box then fires "change"); only a touch or a key
    // press by the resident counts as an answer to the question.
    if (dialog.open && event.type !== "pointerdown" && event.type !== "keydown") {
      return;
    }
    keepGoing();
  }

  ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
    document.addEventListener(name, onActivity, { passive: true, capture: true });
  });
  dialog.addEventListener("cancel", keepGoing);
  keepGoing();
})();
