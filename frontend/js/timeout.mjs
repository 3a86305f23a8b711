// The timeout warning (WCAG 2.2.1 Timing adjustable), after HMRC's timeout dialog. The server says on
// each page how many seconds its session has left (data-expires-in on the <dialog>, rendered by
// shared/templates/shared/_session_timeout.html). Before warning, and again before giving up, this
// asks the server (another tab may have kept the session going); those questions are background
// requests, which do not extend it. "Stay signed in" (or Escape) posts to the keep-alive route.
// When the time has run out, a form with something typed in it is sent, so the server keeps what it
// says for after signing in again; otherwise the page is asked for again, and the server shows
// "You were signed out".

const BACKGROUND = { 'X-Redress-Background': '1' }

/** @param {HTMLDialogElement} dialog */
export function startTimeoutWarning (dialog) {
  const warnBefore = Number(dialog.dataset.warnBefore) * 1000
  const countdown = dialog.querySelector('[data-countdown]')
  const said = dialog.querySelector('[data-said]')
  const stay = dialog.querySelector('[data-stay]')
  const csrf = dialog.querySelector('input[name="csrf_token"]')
  const locale = dialog.dataset.locale || document.documentElement.lang
  const minutes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' })
  const seconds = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'long' })
  let deadline = Date.now() + Number(dialog.dataset.expiresIn) * 1000
  let timer = 0
  let ticker = 0
  let lastSaid = ''
  let returnFocus = null

  // Whole minutes down to the last one, then seconds (as GOV.UK and HMRC count).
  const timeLeft = (ms) => {
    const secs = Math.max(0, Math.ceil(ms / 1000))
    return secs >= 60 ? minutes.format(Math.ceil(secs / 60)) : seconds.format(secs)
  }
  const sentence = (ms) => dialog.dataset.textCountdown.replace('{time}', timeLeft(ms))
  // Screen readers hear the time when the dialog opens, when the minutes change, and at 30 and 10
  // seconds: never every second.
  const spoken = (ms) => {
    const secs = Math.max(0, Math.ceil(ms / 1000))
    const said = secs > 60 ? Math.ceil(secs / 60) * 60 : secs > 30 ? 60 : secs > 10 ? 30 : 10
    return sentence(said * 1000)
  }

  const ask = async (url, init) => {
    const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init })
    if (!response.ok) throw new Error(`${url}: ${response.status}`)
    return response.json()
  }
  const status = () => ask(dialog.dataset.statusUrl, { headers: BACKGROUND })
  const keepAlive = () => ask(dialog.dataset.keepAliveUrl, {
    method: 'POST',
    headers: { ...BACKGROUND, 'X-CSRFToken': csrf ? csrf.value : '' }
  })

  const schedule = () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(beforeWarning, Math.max(0, deadline - warnBefore - Date.now()))
  }

  const close = () => {
    window.clearInterval(ticker)
    if (dialog.open) dialog.close()
    if (returnFocus instanceof HTMLElement && document.contains(returnFocus)) returnFocus.focus()
    returnFocus = null
  }

  const tick = () => {
    const left = deadline - Date.now()
    countdown.textContent = sentence(left)
    const words = spoken(left)
    if (words !== lastSaid) {
      said.textContent = words
      lastSaid = words
    }
    if (left <= 0) {
      window.clearInterval(ticker)
      timeUp()
    }
  }

  const open = () => {
    if (!dialog.open) {
      returnFocus = document.activeElement
      lastSaid = ''
      said.textContent = ''
      dialog.showModal()
      stay.focus()
    }
    tick()
    window.clearInterval(ticker)
    ticker = window.setInterval(tick, 1000)
  }

  // The server's word on the time left: reschedule if another tab (or a page) extended the session.
  const carryOn = (answer) => {
    deadline = Date.now() + answer.expires_in * 1000
    if (deadline - Date.now() > warnBefore) {
      close()
      schedule()
      return true
    }
    return false
  }

  async function beforeWarning () {
    try {
      const answer = await status()
      if (!answer.signed_in) return signedOut()
      if (carryOn(answer)) return
    } catch (error) {
      console.log(error)
    }
    open()
  }

  async function timeUp () {
    try {
      const answer = await status()
      if (answer.signed_in && answer.expires_in > 0) {
        if (!carryOn(answer)) open()
        return
      }
    } catch (error) {
      console.log(error) // the server will decide when the page is asked for again
    }
    signedOut()
  }

  function signedOut () {
    close()
    const form = document.querySelector('form[method="post" i][data-typed-in]')
    if (form instanceof HTMLFormElement) {
      for (const input of form.querySelectorAll('input[type="file"]')) input.value = ''
      HTMLFormElement.prototype.submit.call(form) // past htmx and the page's checks: the server only keeps it
    } else {
      window.location.assign(window.location.href)
    }
  }

  stay.addEventListener('click', async () => {
    try {
      const answer = await keepAlive()
      if (!answer.signed_in) return signedOut()
      deadline = Date.now() + answer.expires_in * 1000
      close()
      schedule()
    } catch (error) {
      console.log(error)
    }
  })

  // Escape means "stay signed in", not "close and be signed out unawares".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay.click()
  })

  // Remember which form has been typed into, to keep its words if the time runs out.
  document.addEventListener('input', (event) => {
    const form = event.target instanceof Element ? event.target.closest('form') : null
    if (form && !dialog.contains(form)) form.setAttribute('data-typed-in', '')
  })

  // Timers in a hidden tab run late or not at all: check again when it is shown.
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !dialog.open && Date.now() >= deadline - warnBefore) beforeWarning()
  })

  // Pages the person asks for through htmx extend the session too: follow the server's count.
  document.addEventListener('htmx:afterRequest', (event) => {
    const header = event.detail?.xhr?.getResponseHeader('X-Redress-Session-Expires-In')
    if (header !== null && header !== undefined && header !== '' && !dialog.open) {
      deadline = Date.now() + Number(header) * 1000
      schedule()
    }
  })

  schedule()
}
