// gd's player: moves the marks over the figure and fills the inspector from the JSON block #gd-data.
// Every number comes from gd (gdcli.render.page); this script only copies text and coordinates.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("gd-data").textContent);
  var count = data.times.length;
  var slider = document.getElementById("gd-slider");
  var play = document.getElementById("gd-play");
  var speed = document.getElementById("gd-speed");
  var position = document.getElementById("gd-position");
  var link = document.getElementById("gd-link");
  var WINDOW = 3;  // iterate-table rows shown on each side of the current one
  var PLAY = play.querySelector("path").getAttribute("d");
  var PAUSE = "M4 3h4v14H4zM12 3h4v14h-4z";
  var frame = 0;
  var timer = null;

  function cell(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    return element;
  }

  function place(element, point) {
    element.style.display = point ? "" : "none";
    if (point) element.setAttribute("transform", "translate(" + point[0] + "," + point[1] + ")");
  }

  function segment(element, ends) {
    element.style.display = ends ? "" : "none";
    if (!ends) return;
    element.setAttribute("x1", ends[0]);
    element.setAttribute("y1", ends[1]);
    element.setAttribute("x2", ends[2]);
    element.setAttribute("y2", ends[3]);
  }

  function showRun(index, run, j) {
    var now = run.frames[j];
    var marks = document.querySelector('.gd-marks[data-run="' + index + '"]');
    marks.querySelectorAll(".gd-point").forEach(function (point) {
      place(point, run.points[Number(point.getAttribute("data-panel"))][j]);
    });
    segment(marks.querySelector(".gd-descent"), run.descent[j]);
    segment(marks.querySelector(".gd-step"), run.step[j]);

    var state = document.getElementById("gd-state-" + index);
    state.querySelector(".gd-t").textContent = data.unit + " = " + data.times[j];
    var body = state.querySelector("tbody");
    body.replaceChildren.apply(body, now.state.map(function (pair) {
      var row = document.createElement("tr");
      var label = cell("th", pair[0]);
      label.setAttribute("scope", "row");
      row.append(label, cell("td", pair[1]));
      return row;
    }));
    var update = document.getElementById("gd-update-" + index);
    if (update) update.textContent = now.update.join("\n");

    var table = document.getElementById("gd-iterates-" + index).querySelector("tbody");
    var rows = [];
    for (var k = Math.max(0, j - WINDOW); k <= Math.min(count - 1, j + WINDOW); k++) {
      var row = document.createElement("tr");
      row.append(cell("td", k === j ? "▶" : ""));
      run.frames[k].row.forEach(function (text) { row.append(cell("td", text)); });
      if (k === j) row.setAttribute("aria-current", "true");
      rows.push(row);
    }
    table.replaceChildren.apply(table, rows);
  }

  function show(j) {
    frame = Math.max(0, Math.min(count - 1, j));
    slider.value = frame;
    var t = data.times[frame];
    position.textContent = data.unit + " = " + t + " (frame " + (frame + 1) + " of " + count + ")";
    link.setAttribute("href", "#t=" + t);
    data.runs.forEach(function (run, index) { showRun(index, run, frame); });
    if (frame === count - 1) stop();
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.setAttribute("aria-pressed", "false");
    play.querySelector("path").setAttribute("d", PLAY);
  }

  function start() {
    if (frame === count - 1) show(0);
    play.setAttribute("aria-pressed", "true");
    play.querySelector("path").setAttribute("d", PAUSE);
    timer = setInterval(function () { show(frame + 1); }, 1000 / Number(speed.value));
  }

  function toggle() {
    if (timer === null) start(); else stop();
  }

  // #t=K opens at step (or epoch) K: the last frame at or before it
  function fromAddress() {
    var match = /^#t=(\d+)$/.exec(window.location.hash);
    if (!match) return false;
    var wanted = Number(match[1]);
    var j = 0;
    while (j + 1 < count && data.times[j + 1] <= wanted) j++;
    show(j);
    return true;
  }

  document.getElementById("gd-first").addEventListener("click", function () { stop(); show(0); });
  document.getElementById("gd-previous").addEventListener("click", function () { stop(); show(frame - 1); });
  document.getElementById("gd-next").addEventListener("click", function () { stop(); show(frame + 1); });
  document.getElementById("gd-last").addEventListener("click", function () { stop(); show(count - 1); });
  play.addEventListener("click", toggle);
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  speed.addEventListener("change", function () { if (timer !== null) { stop(); start(); } });
  window.addEventListener("hashchange", fromAddress);
  document.addEventListener("keydown", function (event) {
    var tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "BUTTON" || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (event.key === "ArrowRight") { stop(); show(frame + 1); }
    else if (event.key === "ArrowLeft") { stop(); show(frame - 1); }
    else if (event.key === " ") toggle();
    else return;
    event.preventDefault();
  });
  if (!fromAddress()) show(0);
})();
