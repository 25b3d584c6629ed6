// Staff console: canned replies fill the reply box (no inline scripts: the CSP forbids them).
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.canned-reply");
  if (!button) return;
  var box = document.getElementById("reply-body");
  if (!box) return;
  box.value = button.dataset.text;
  box.focus();
});

// Urgent alerts: every console page polls #alerts; a new urgent texter sounds a short tone
// (WebAudio, no file) unless this browser muted it. Muting is remembered per browser.
(function () {
  var MUTE_KEY = "hotline.alerts.muted";
  var heard = {};
  window.hotlineAlertTones = 0;

  function muted() { return window.localStorage.getItem(MUTE_KEY) === "1"; }

  function showMute() {
    var button = document.getElementById("alert-mute");
    if (!button) return;
    button.textContent = muted() ? "Sound off" : "Sound on";
    button.setAttribute("aria-pressed", muted() ? "true" : "false");
  }

  function tone() {
    window.hotlineAlertTones += 1;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      var audio = new Context();
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.value = 0.2;
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.4);
    } catch (e) { /* no sound device: the bar is still visible */ }
  }

  function check() {
    var bar = document.querySelector("#alerts .alert-bar");
    if (!bar) return;
    var fresh = false;
    bar.dataset.alerts.split(",").forEach(function (id) {
      if (id && !heard[id]) { heard[id] = true; fresh = true; }
    });
    if (fresh && !muted()) tone();
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest("#alert-mute")) return;
    window.localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
    showMute();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "alerts") check();
  });
  document.addEventListener("DOMContentLoaded", showMute);
})();
