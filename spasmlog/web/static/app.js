// spasmlog: one progressive enhancement. Every page works without it.
// The fluid stepper changes the box in place by one of the person's glasses, instead of asking
// the server; it writes the box in the unit it was typed in, as spasmlog.web.forms.fluid_stepped.
"use strict";
var UNIT_WORDS = {
  l: "L", litre: "L", litres: "L", liter: "L", liters: "L",
  ml: "ml", millilitres: "ml", milliliters: "ml",
  glass: "glass", glasses: "glass",
  oz: "oz", "fl oz": "oz", ounces: "oz"
};
var ML_PER_OZ = 29.5735;

function perUnit(unit, glassMl) {
  return { L: 1000, ml: 1, glass: glassMl, oz: ML_PER_OZ }[unit];
}

function shown(ml, unit, glassMl) {
  var value = ml / perUnit(unit, glassMl);
  if (unit === "ml") return Math.round(value) + " ml";
  var places = unit === "L" ? 100 : 10;
  var text = String(Math.round(value * places) / places);
  if (unit === "glass") return text + (text === "1" ? " glass" : " glasses");
  return text + " " + unit;
}

document.addEventListener("click", function (event) {
  var button = event.target.closest("button.step");
  if (!button) return;
  var box = document.getElementById("f-fluid");
  var glassMl = parseInt(box.dataset.glassMl, 10) || 250;
  var text = box.value.trim().toLowerCase();
  var match = /^(\d+(?:[.,]\d+)?)\s*([a-z][a-z ]*)?$/.exec(text);
  if (text && (!match || (match[2] && !UNIT_WORDS[match[2].trim()]))) return; // the server steps it
  event.preventDefault();
  var unit = match && match[2] ? UNIT_WORDS[match[2].trim()] : box.dataset.unit || "L";
  var ml = match ? parseFloat(match[1].replace(",", ".")) * perUnit(unit, glassMl) : 0;
  var step = button.value === "+1" ? glassMl : -glassMl;
  box.value = shown(Math.max(0, Math.min(20000, ml + step)), unit, glassMl);
});
