/* wa-scan review pages: keyboard shortcuts and saving without a reload.
 * Every change on a question page is saved at once as its draft (a "not applicable" still waiting
 * for its reason too: the rest is saved and the missing reason named); only the Confirm buttons or
 * the c key record the confirmed decision, never a bare Enter. Leaving with input the server has not
 * acknowledged asks first.
 * Everything here is optional: every page reads without it and every form works as a plain POST. */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var page = document.body.getAttribute("data-page");

  var TEXT_INPUTS = /^(text|search|email|number|password|url|tel)$/;

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") { return true; }
    return target.tagName === "INPUT" && TEXT_INPUTS.test(target.type || "text");
  }

  function hrefOf(id) {
    var a = document.getElementById(id);
    return a ? a.getAttribute("href") : null;
  }

  function go(href) {
    if (href) { window.location.assign(href); }
  }

  function plainKey(event) {
    return !(event.ctrlKey || event.metaKey || event.altKey);
  }

  /* ---- overview ------------------------------------------------------------------------------ */

  function overview() {
    var form = document.getElementById("filter-form");
    if (form) {
      form.addEventListener("change", function () { form.submit(); });
    }
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.qrow"));
    var picked = -1;

    function pick(i) {
      if (!rows.length) { return; }
      picked = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r, n) { r.classList.toggle("picked", n === picked); });
      rows[picked].scrollIntoView({ block: "nearest" });
    }

    document.addEventListener("keydown", function (event) {
      if (!plainKey(event) || typing(event.target)) { return; }
      var key = event.key;
      if (key === "j" || key === "ArrowDown") { pick(picked + 1); event.preventDefault(); }
      else if (key === "k" || key === "ArrowUp") { pick(picked - 1); event.preventDefault(); }
      else if (key === "Enter" && picked >= 0 && event.target === document.body) {
        go(rows[picked].getAttribute("data-href"));
      } else if (key === "g" || key === "/") {
        var jump = document.getElementById("jump");
        if (jump) { jump.focus(); jump.select(); event.preventDefault(); }
      } else if (key === "p") { go("/push"); }
    });
  }

  /* ---- question page ------------------------------------------------------------------------- */

  function question() {
    var form = document.getElementById("decision");
    if (!form) { return; }
    var rows = Array.prototype.slice.call(form.querySelectorAll(".crow"));
    var statusEl = document.getElementById("save-status");
    var note = document.getElementById("note");
    var picked = -1;
    var inFlight = false;
    var again = false;
    var noteTimer = null;
    var dirty = false;
    var unsaved = false;  /* the last save failed: what is on screen is not on the server */

    function say(text, kind) {
      if (!statusEl) { return; }
      statusEl.textContent = text;
      statusEl.title = text;  /* the line is cut at the bar's width: the whole message on hover */
      statusEl.className = "small" + (kind ? " " + kind : "");
    }

    function body() {
      var data = new URLSearchParams(new FormData(form));
      data.set("action", "draft");
      return data;
    }

    function showDraft(result) {
      var count = document.getElementById("progress-count");
      if (count && typeof result.confirmed === "number") {
        count.textContent = String(result.confirmed);
        var bar = count.parentNode.querySelector("progress");
        if (bar) { bar.value = result.confirmed; }
      }
      var badge = document.getElementById("draft-badge");
      var banner = document.getElementById("draft-banner");
      var text = document.getElementById("draft-text");
      if (badge) { badge.hidden = !result.draft; }
      if (banner) { banner.hidden = !result.draft; }
      if (text && result.draft) { text.textContent = "saved by " + result.reviewer + " on " + result.saved_at; }
    }

    function save() {
      if (noteTimer) { clearTimeout(noteTimer); noteTimer = null; }
      if (inFlight) { again = true; return; }
      inFlight = true;
      dirty = false;
      say("Saving\u2026", "pending");
      fetch(form.getAttribute("action"), {
        method: "POST", body: body(), credentials: "same-origin", keepalive: true,
        headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (result) {
          if (response.ok && result.ok) {
            unsaved = false;
            var missing = (result.missing || []).length
              ? " To confirm, pick: " + result.missing.join("; ") + "." : "";
            say((result.draft
              ? "Draft saved " + new Date().toLocaleTimeString() + " as " + result.reviewer + ", not confirmed."
              : "Saved " + new Date().toLocaleTimeString() + ": the same as the confirmed decision.") + missing,
              missing ? "pending" : "");
            showDraft(result);
          } else if (result.problems) {
            unsaved = true;
            var problems = Object.keys(result.problems).map(function (k) { return result.problems[k]; });
            say("Not saved: " + problems.join("; "), "failed");
          } else {
            unsaved = true;
            say("Not saved (HTTP " + response.status + "): reload the page.", "failed");
          }
        });
      }).catch(function () {
        dirty = true;
        unsaved = true;
        say("Not saved: the wa-scan server does not answer. Start it again; nothing saved before is lost.",
          "failed");
      }).then(function () {
        inFlight = false;
        if (again) { again = false; save(); }
      });
    }

    function pick(i, scroll) {
      if (!rows.length) { return; }
      picked = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r, n) { r.classList.toggle("picked", n === picked); });
      if (scroll !== false) { rows[picked].scrollIntoView({ block: "nearest" }); }
    }

    function setStatus(status) {
      if (picked < 0) { pick(0); }
      var row = rows[picked];
      var input = row.querySelector('input[value="' + status + '"]');
      if (!input || input.checked) { return; }
      input.checked = true;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function toggle() {
      if (picked < 0) { pick(0); }
      var selected = rows[picked].querySelector('input[value="selected"]');
      setStatus(selected && selected.checked ? "unselected" : "selected");
    }

    function toggleEvidence() {
      if (picked < 0) { return; }
      var boxes = Array.prototype.slice.call(rows[picked].querySelectorAll("details"));
      var open = boxes.some(function (d) { return !d.open; });
      boxes.forEach(function (d) { d.open = open; });
    }

    form.addEventListener("change", function (event) {
      var target = event.target;
      var row = target.closest ? target.closest(".crow") : null;
      if (row) { pick(rows.indexOf(row), false); }
      if (target === note) { return; }
      save();
      if (target.type === "radio" && target.value === "not_applicable" && row) {
        var reason = row.querySelector("select");
        if (reason && !reason.value) { reason.focus(); }
      }
    });

    if (note) {
      note.addEventListener("input", function () {
        dirty = true;
        if (noteTimer) { clearTimeout(noteTimer); }
        noteTimer = setTimeout(save, 800);
      });
      note.addEventListener("blur", function () { if (dirty) { save(); } });
    }

    var submitting = false;
    form.addEventListener("submit", function () {
      if (noteTimer) { clearTimeout(noteTimer); noteTimer = null; }
      dirty = false;
      submitting = true;
    });

    /* Enter in a choice or the reason list never submits the form (it would confirm unread). */
    form.addEventListener("keydown", function (event) {
      var t = event.target;
      if (event.key === "Enter" && t && (t.tagName === "INPUT" || t.tagName === "SELECT")) {
        event.preventDefault();
        say("Enter does not confirm: press c, or the Confirm button.", "pending");
      }
    });

    /* Leaving with input the server refused or could not take: ask first (the browser's own prompt). */
    window.addEventListener("beforeunload", function (event) {
      if (unsaved && !submitting) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    /* Closing the tab right after typing: send what is pending (the body carries the CSRF field). */
    window.addEventListener("pagehide", function () {
      if (dirty && navigator.sendBeacon) {
        navigator.sendBeacon(form.getAttribute("action"), body());
      }
    });

    rows.forEach(function (row, n) {
      row.addEventListener("click", function (event) {
        if (!event.target.closest("a, summary, select, textarea")) { pick(n, false); }
      });
    });

    document.addEventListener("keydown", function (event) {
      if (!plainKey(event)) { return; }
      var target = event.target;
      var key = event.key;
      if (typing(target)) {
        if (key === "Escape") { target.blur(); event.preventDefault(); }
        return;
      }
      var onRadio = target && target.type === "radio";
      if (/^[1-9]$/.test(key)) { pick(Number(key) - 1); event.preventDefault(); }
      else if (key === "j") { go(hrefOf("next-q")); }
      else if (key === "k") { go(hrefOf("prev-q")); }
      else if ((key === "ArrowDown" || key === "ArrowUp") && !onRadio) {
        pick(picked + (key === "ArrowDown" ? 1 : -1));
        event.preventDefault();
      } else if (key === "x" || (key === " " && !onRadio)) { toggle(); event.preventDefault(); }
      else if (key === "s") { setStatus("selected"); }
      else if (key === "u") { setStatus("unselected"); }
      else if (key === "n") {
        setStatus("not_applicable");
        var reason = rows[picked] && rows[picked].querySelector("select");
        if (reason && !reason.value) { reason.focus(); }
        event.preventDefault();
      } else if (key === "Delete" || key === "Backspace") { setStatus("undecided"); event.preventDefault(); }
      else if (key === "e") { toggleEvidence(); }
      else if (key === "t" && note) { note.focus(); event.preventDefault(); }
      else if (key === "c" && !event.repeat) {
        var confirm = document.getElementById("confirm");
        if (confirm) { confirm.click(); event.preventDefault(); }
      } else if (key === "Enter" && (target === document.body || onRadio)) {
        say("Enter does not confirm: press c, or the Confirm button.", "pending");
        event.preventDefault();
      } else if (key === "o") { go("/"); }
      else if (key === "p") { go("/push"); }
      else if (key === "?") {
        var keys = document.getElementById("keys");
        if (keys) { keys.open = !keys.open; keys.scrollIntoView({ block: "nearest" }); }
      }
    });
  }

  if (page === "overview") { overview(); }
  else if (page === "question") { question(); }
  else {
    document.addEventListener("keydown", function (event) {
      if (!plainKey(event) || typing(event.target)) { return; }
      if (event.key === "o") { go("/"); }
    });
  }
}());
