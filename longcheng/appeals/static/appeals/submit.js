// One tap is one submission: the button locks after the first tap (the server also refuses
// a second appeal with the same key).
document.getElementById("appeal-form").addEventListener("submit", () => {
  const button = document.getElementById("submit-appeal");
  button.disabled = true;
  button.textContent = button.dataset.busyText;
});
