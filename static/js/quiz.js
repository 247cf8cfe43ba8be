/* The quiz, one tap an answer: choosing an answer with a click, a tap or Space sends the
 * question's form after a short pause, so the visitor sees their choice land. Moving with
 * the arrow keys only selects (native radios): a keyboard user may still be deciding, and
 * goes on with Enter or Next. Without this file Next does the same job; nothing else
 * depends on it. An external file, so the CSP needs no 'unsafe-inline' and no nonce. */
(function () {
  "use strict";
  var PAUSE_MS = 300;
  var ARROWS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Up", "Down", "Left", "Right"];

  document.querySelectorAll("form[data-auto-advance]").forEach(function (form) {
    var submitter = form.querySelector("button[type=submit]");
    var arrowed = false; // the last thing the visitor did was an arrow key
    var timer = null;
    var sent = false;

    form.addEventListener("keydown", function (event) {
      arrowed = ARROWS.indexOf(event.key) !== -1;
    });
    form.addEventListener("pointerdown", function () {
      arrowed = false;
    });
    function isAnswer(target) {
      return target && target.matches && target.matches("input[type=radio]");
    }

    function advanceSoon(input) {
      if (sent) {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (sent || !input.checked) {
          return;
        }
        sent = true;
        if (form.requestSubmit) {
          form.requestSubmit(submitter);
        } else {
          form.submit();
        }
      }, PAUSE_MS);
    }

    // A click or tap on the answer or its label (browsers that click on arrow keys are
    // caught by `arrowed`).
    form.addEventListener("click", function (event) {
      if (isAnswer(event.target) && !arrowed) {
        advanceSoon(event.target);
      }
    });
    // Space on an answer already chosen sends no click: it still means "this one".
    form.addEventListener("keyup", function (event) {
      if (isAnswer(event.target) && (event.key === " " || event.key === "Spacebar")) {
        advanceSoon(event.target);
      }
    });
    form.addEventListener("submit", function () {
      sent = true;
      window.clearTimeout(timer);
    });
    // Back to a page kept in the browser's history cache: let it advance again.
    window.addEventListener("pageshow", function () {
      sent = false;
    });
  });
})();
