// Picking a preset reply fills the reply box with its text, for staff to edit before sending.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("preset-texts");
  if (!source) return;
  const texts = JSON.parse(source.textContent);
  document.querySelectorAll("select[name$='-preset']").forEach((select) => {
    const reply = select.form.querySelector("textarea[name$='-reply']");
    select.addEventListener("change", () => {
      if (reply && texts[select.value] !== undefined) reply.value = texts[select.value];
    });
  });
});
