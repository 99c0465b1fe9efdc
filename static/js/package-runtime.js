/*
 * Cairn's SCORM player: the run-time API a package finds through window.parent —
 * SCORM 1.2's `API` and SCORM 2004's `API_1484_11` — over the data model the
 * server sends (#package-player-config). Values are checked here to answer the
 * package with SCORM's error codes; Commit and Finish/Terminate post the writable
 * values to the server, which checks them again and stores them. The package is
 * framed only once the API is in place.
 */
(function () {
  "use strict";

  var holder = document.getElementById("package-player");
  if (!holder) { return; }
  var config = JSON.parse(document.getElementById(holder.dataset.config).textContent);
  var is2004 = config.standard === "scorm2004";
  var DECIMAL = /^-?\d{1,10}(\.\d{1,18})?$/;
  var definitions = config.definitions.map(function (definition) {
    return Object.assign({}, definition, {
      regex: new RegExp(definition.pattern),
      valueRegex: definition.valuePattern ? new RegExp(definition.valuePattern) : null
    });
  });
  var values = Object.assign({}, config.values);
  var state = "new"; // new, running, ended
  var lastError = "0";
  var diagnostic = "";

  var MESSAGES_12 = {
    "0": "No error", "101": "General exception", "201": "Invalid argument error",
    "202": "Element cannot have children", "203": "Element not an array - cannot have count",
    "301": "Not initialized", "401": "Not implemented error",
    "402": "Invalid set value, element is a keyword", "403": "Element is read only",
    "404": "Element is write only", "405": "Incorrect data type"
  };
  var MESSAGES_2004 = {
    "0": "No Error", "101": "General Exception", "102": "General Initialization Failure",
    "103": "Already Initialized", "104": "Content Instance Terminated",
    "111": "General Termination Failure", "112": "Termination Before Initialization",
    "113": "Termination After Termination", "122": "Retrieve Data Before Initialization",
    "123": "Retrieve Data After Termination", "132": "Store Data Before Initialization",
    "133": "Store Data After Termination", "142": "Commit Before Initialization",
    "143": "Commit After Termination", "201": "General Argument Error",
    "301": "General Get Failure", "351": "General Set Failure",
    "391": "General Commit Failure", "401": "Undefined Data Model Element",
    "402": "Unimplemented Data Model Element", "403": "Data Model Element Value Not Initialized",
    "404": "Data Model Element Is Read Only", "405": "Data Model Element Is Write Only",
    "406": "Data Model Element Type Mismatch", "407": "Data Model Element Value Out Of Range",
    "408": "Data Model Dependency Not Established"
  };
  var MESSAGES = is2004 ? MESSAGES_2004 : MESSAGES_12;

  function fail(code, detail) {
    lastError = String(code);
    diagnostic = detail || MESSAGES[lastError] || "";
    return false;
  }

  function ok() { lastError = "0"; diagnostic = ""; return true; }

  function find(name) {
    for (var i = 0; i < definitions.length; i++) {
      var match = definitions[i].regex.exec(name);
      if (match) { return { definition: definitions[i], indices: match.slice(1).map(Number) }; }
    }
    return null;
  }

  function escape(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // How many entries an array element (interactions, objectives…) holds.
  function count(prefix) {
    var pattern = new RegExp("^" + escape(prefix) + "\\.(\\d+)\\.");
    var highest = -1;
    Object.keys(values).forEach(function (name) {
      var match = pattern.exec(name);
      if (match) { highest = Math.max(highest, Number(match[1])); }
    });
    return highest + 1;
  }

  function valueError(definition, value) {
    if (definition.kind === "string") {
      return value.length > definition.maxLength ? (is2004 ? 406 : 405) : 0;
    }
    if (definition.kind === "vocabulary") {
      return definition.vocabulary.indexOf(value) >= 0 ? 0 : (is2004 ? 406 : 405);
    }
    if (definition.kind === "pattern") {
      return definition.valueRegex.test(value) ? 0 : (is2004 ? 406 : 405);
    }
    if (definition.kind === "result" && definition.vocabulary.indexOf(value) >= 0) { return 0; }
    if (value === "" && definition.allowsBlank) { return 0; }
    if (!DECIMAL.test(value)) { return is2004 ? 406 : 405; }
    var number = Number(value);
    if ((definition.low !== null && number < Number(definition.low)) ||
        (definition.high !== null && number > Number(definition.high))) {
      return is2004 ? 407 : 405;
    }
    return 0;
  }

  function getValue(name) {
    name = String(name);
    if (state !== "running") {
      return fail(is2004 ? (state === "new" ? 122 : 123) : 301), "";
    }
    if (name === "") { return fail(is2004 ? 301 : 201), ""; }
    var parts = name.split(".");
    var last = parts[parts.length - 1];
    if (last === "_count") {
      var prefix = parts.slice(0, -1).join(".");
      if (!find(name)) { return fail(is2004 ? 301 : 203), ""; }
      ok();
      return prefix === "cmi.comments_from_lms" ? "0" : String(count(prefix));
    }
    var found = find(name);
    if (!found) {
      if (last === "_children") { return fail(is2004 ? 301 : 202), ""; }
      return fail(is2004 ? 401 : 201), "";
    }
    if (found.definition.access === "w") { return fail(is2004 ? 405 : 404), ""; }
    if (last === "_children") {
      ok();
      return values[name.replace(/\.\d+\./g, ".n.")] || "";
    }
    if (!(name in values)) {
      if (is2004) { return fail(403), ""; }
      ok();
      return "";
    }
    ok();
    return String(values[name]);
  }

  function setValue(name, value) {
    name = String(name);
    value = String(value);
    if (state !== "running") {
      return fail(is2004 ? (state === "new" ? 132 : 133) : 301);
    }
    if (name === "") { return fail(is2004 ? 351 : 201); }
    var last = name.split(".").pop();
    var found = find(name);
    if (!found) {
      if (last === "_children" || last === "_count" || last === "_version") {
        return fail(is2004 ? 404 : 402);
      }
      return fail(is2004 ? 401 : 201);
    }
    if (found.definition.access === "r") {
      var keyword = last.charAt(0) === "_";
      return fail(is2004 ? 404 : (keyword ? 402 : 403));
    }
    // An array grows one entry at a time, and an entry starts with its id.
    var match = /^(cmi\.(?:interactions|objectives|comments_from_learner))\.(\d+)\.(.*)$/.exec(name);
    if (match) {
      var index = Number(match[2]);
      if (index > count(match[1])) { return fail(is2004 ? 351 : 201, "Set entries in order."); }
      if (is2004 && match[1] !== "cmi.comments_from_learner" && match[3] !== "id" &&
          !((match[1] + "." + index + ".id") in values)) {
        return fail(408, "Set the entry's id first.");
      }
      var nested = /^(cmi\.interactions\.\d+\.(?:objectives|correct_responses))\.(\d+)\./.exec(name);
      if (nested && Number(nested[2]) > count(nested[1])) {
        return fail(is2004 ? 351 : 201, "Set entries in order.");
      }
    }
    var error = valueError(found.definition, value);
    if (error) { return fail(error); }
    values[name] = value;
    return ok();
  }

  function writable() {
    var posted = {};
    Object.keys(values).forEach(function (name) {
      var found = find(name);
      if (found && found.definition.access.indexOf("w") >= 0) { posted[name] = values[name]; }
    });
    return posted;
  }

  function showDone() {
    var status = document.getElementById("package-status");
    if (status) { status.innerHTML = '<span class="badge badge-active">Done</span>'; }
    var next = document.getElementById("package-next");
    if (next) { next.hidden = false; }
  }

  // Synchronous, as SCORM's Commit answers only once the data is stored.
  function post(finish) {
    var request = new XMLHttpRequest();
    try {
      request.open("POST", config.commitUrl, false);
      request.setRequestHeader("Content-Type", "application/json");
      request.setRequestHeader("X-CSRFToken", holder.dataset.csrf);
      request.send(JSON.stringify({ values: writable(), finish: finish }));
    } catch (error) {
      return fail(is2004 ? 391 : 101, "The data could not be sent: " + error);
    }
    if (request.status !== 200) {
      var detail = "The server refused the data (" + request.status + ").";
      try { detail = JSON.parse(request.responseText).detail || detail; } catch (ignored) { /* not JSON */ }
      return fail(is2004 ? 391 : 101, detail);
    }
    var answer = JSON.parse(request.responseText);
    if (answer.lesson_done) { showDone(); }
    return ok();
  }

  function initialize(argument) {
    if (argument !== undefined && String(argument) !== "") { return fail(201); }
    if (state === "running") { return fail(is2004 ? 103 : 101); }
    if (state === "ended") { return fail(is2004 ? 104 : 101); }
    state = "running";
    return ok();
  }

  function terminate(argument) {
    if (argument !== undefined && String(argument) !== "") { return fail(201); }
    if (state !== "running") { return fail(is2004 ? (state === "new" ? 112 : 113) : 301); }
    var stored = post(true);
    state = "ended";
    return stored || fail(is2004 ? 111 : 101, diagnostic);
  }

  function commit(argument) {
    if (argument !== undefined && String(argument) !== "") { return fail(201); }
    if (state !== "running") { return fail(is2004 ? (state === "new" ? 142 : 143) : 301); }
    return post(false);
  }

  function text(result) { return result ? "true" : "false"; }

  if (is2004) {
    window.API_1484_11 = {
      version: "1.0",
      Initialize: function (a) { return text(initialize(a)); },
      Terminate: function (a) { return text(terminate(a)); },
      GetValue: function (name) { return getValue(name); },
      SetValue: function (name, value) { return text(setValue(name, value)); },
      Commit: function (a) { return text(commit(a)); },
      GetLastError: function () { return lastError; },
      GetErrorString: function (code) { return MESSAGES[String(code)] || ""; },
      GetDiagnostic: function (code) { return code && String(code) !== lastError ? (MESSAGES[String(code)] || "") : diagnostic; }
    };
  } else {
    window.API = {
      LMSInitialize: function (a) { return text(initialize(a)); },
      LMSFinish: function (a) { return text(terminate(a)); },
      LMSGetValue: function (name) { return getValue(name); },
      LMSSetValue: function (name, value) { return text(setValue(name, value)); },
      LMSCommit: function (a) { return text(commit(a)); },
      LMSGetLastError: function () { return lastError; },
      LMSGetErrorString: function (code) { return MESSAGES[String(code)] || ""; },
      LMSGetDiagnostic: function (code) { return code && String(code) !== lastError ? (MESSAGES[String(code)] || "") : diagnostic; }
    };
  }

  // A learner who leaves without the package finishing keeps what it stored.
  window.addEventListener("pagehide", function () {
    if (state !== "running") { return; }
    state = "ended";
    fetch(config.commitUrl, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": holder.dataset.csrf },
      body: JSON.stringify({ values: writable(), finish: true })
    });
  });

  var frame = document.createElement("iframe");
  frame.className = "package-frame";
  frame.title = holder.dataset.title || "Interactive package";
  frame.setAttribute("allowfullscreen", "");
  frame.setAttribute(
    "sandbox",
    "allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads"
  );
  frame.src = config.launchUrl;
  holder.appendChild(frame);
}());
