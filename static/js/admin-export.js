// The "select all" box of django-import-export's export page, attached here instead of the
// onchange attribute the Content-Security-Policy refuses. onSelectToggleChange comes from
// import_export/export_selectable_fields.js.
document.addEventListener("change", (event) => {
  if (event.target.matches(".select-toggle") && typeof onSelectToggleChange === "function") {
    onSelectToggleChange(event);
  }
});
