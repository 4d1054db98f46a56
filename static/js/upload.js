// Evidence upload with a progress bar per file: each file goes in its own request
// (XMLHttpRequest gives upload progress; fetch does not). Without this script the
// form still posts all files at once.
(function () {
  function csrf(form) { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }

  function bar(container, name) {
    var row = document.createElement("div");
    row.className = "small mb-1";
    row.innerHTML = '<div class="d-flex justify-content-between"><span class="text-truncate"></span><span data-state></span></div>' +
      '<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"><div class="progress-bar bg-danger" style="width:0%"></div></div>';
    row.querySelector(".text-truncate").textContent = name;
    container.appendChild(row);
    return row;
  }

  function send(form, file, row) {
    return new Promise(function (resolve) {
      var data = new FormData();
      ["kind", "title", "issued_on", "note"].forEach(function (n) {
        var field = form.elements[n];
        if (field) { data.append(n, field.value); }
      });
      data.append("files", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("X-CSRFToken", csrf(form));
      var progress = row.querySelector(".progress-bar");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          var pct = Math.round(100 * e.loaded / e.total);
          progress.style.width = pct + "%";
          row.querySelector(".progress").setAttribute("aria-valuenow", pct);
        }
      };
      xhr.onload = function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = {ok: false, message: xhr.status + ""}; }
        progress.style.width = "100%";
        progress.className = "progress-bar " + (answer.ok ? "bg-success" : "bg-danger");
        var state = row.querySelector("[data-state]");
        state.textContent = answer.ok ? "✓" : "✗";
        if (!answer.ok) {
          var msg = document.createElement("div");
          msg.className = "text-danger";
          msg.textContent = answer.message;
          row.appendChild(msg);
        }
        resolve(answer.ok);
      };
      xhr.onerror = function () { resolve(false); };
      xhr.send(data);
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-drop]");
    var progress = form.querySelector("[data-progress]");
    var dropped = null;
    if (zone) {
      ["dragenter", "dragover"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("dragging"); }); });
      ["dragleave", "drop"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("dragging"); }); });
      zone.addEventListener("drop", function (e) { dropped = e.dataTransfer.files; form.requestSubmit(); });
    }
    form.addEventListener("submit", function (e) {
      var files = dropped || input.files;
      if (!files || !files.length) { return; }
      e.preventDefault();
      progress.innerHTML = "";
      var jobs = Array.prototype.map.call(files, function (f) { return {file: f, row: bar(progress, f.name)}; });
      var chain = Promise.resolve(true);
      var allOk = true;
      jobs.forEach(function (job) {
        chain = chain.then(function () { return send(form, job.file, job.row).then(function (ok) { allOk = allOk && ok; }); });
      });
      chain.then(function () { if (allOk) { window.location.reload(); } else { dropped = null; } });
    });
  });

  // Length counters for long texts.
  document.querySelectorAll("[data-counter-for]").forEach(function (out) {
    var field = document.getElementById(out.getAttribute("data-counter-for"));
    if (!field) { return; }
    var max = field.getAttribute("data-counter") || field.getAttribute("maxlength");
    function show() { out.textContent = field.value.length + " / " + max; }
    field.addEventListener("input", show);
    show();
  });
})();
