// 复制: the clipboard API where the browser allows it (https, a tap); otherwise — an old
// phone, WeChat's in-app browser — the text is selected so the reporter can long-press it.
document.querySelectorAll("[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById("copy-status");
  const say = (text) => {
    if (status) status.textContent = text;
  };
  const selectField = () => {
    field.focus();
    field.select();
    field.setSelectionRange(0, field.value.length);
  };
  button.addEventListener("click", async () => {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(field.value);
        say(button.dataset.done);
        return;
      } catch (error) {
        // refused (no permission): fall back to selecting the text
      }
    }
    selectField();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    say(copied ? button.dataset.done : button.dataset.manual);
  });
  field.addEventListener("focus", selectField);
});
