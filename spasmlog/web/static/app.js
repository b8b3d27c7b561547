// spasmlog: one progressive enhancement. Every page works without it.
// The fluid stepper changes the box in place by one glass (250 ml), instead of asking the server.
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.step");
  if (!button) return;
  var box = document.getElementById("f-fluid");
  var text = box.value.trim().toLowerCase();
  var match = /^(\d+(?:[.,]\d+)?)\s*(glass|glasses|l|litre|litres|liter|liters)?$/.exec(text);
  if (text && !match) return; // another unit: the server steps it
  event.preventDefault();
  var step = button.value === "+1" ? 1 : -1;
  var number = match ? parseFloat(match[1].replace(",", ".")) : 0;
  var litres = match && match[2] && match[2][0] === "l";
  if (litres) {
    var value = Math.max(0, Math.round((number + step * 0.25) * 100) / 100);
    box.value = value + " L";
  } else {
    var glasses = Math.max(0, number + step);
    box.value = glasses + (glasses === 1 ? " glass" : " glasses");
  }
});
