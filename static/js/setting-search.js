// Suggestions for the school or setting boxes (ehcp.common.forms.SettingField). Each box with a
// data-setting-search address gets a <datalist> the browser shows as the person types, filled
// from that address (agencies.views.setting_search: JSON, at most 20 schools). Without this
// script the box still works: the server resolves the name or URN typed.
// No inline script and no eval, so it runs under a strict Content Security Policy.

const SHORTEST = 2 // characters typed before asking
const PAUSE = 250 // milliseconds after the last key press

function attach (input, index) {
  const list = document.createElement('datalist')
  list.id = `${input.id || `setting-${index}`}-suggestions`
  input.after(list)
  input.setAttribute('list', list.id)

  let timer = null
  let asked = ''
  let controller = null

  async function suggest () {
    const text = input.value.trim()
    if (text.length < SHORTEST || text === asked) return
    asked = text
    if (controller) controller.abort()
    controller = new AbortController()
    const url = new URL(input.dataset.settingSearch, window.location.href)
    url.searchParams.set('q', text)
    try {
      const response = await fetch(url, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
        signal: controller.signal
      })
      if (!response.ok) return
      const data = await response.json()
      list.replaceChildren(...data.results.map((result) => {
        const option = document.createElement('option')
        option.value = result.label
        return option
      }))
    } catch (error) {
      // Aborted by a newer request, or the network failed: typing still works without suggestions.
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(suggest, PAUSE)
  })
}

export function initSettingSearch (root = document) {
  root.querySelectorAll('input[data-setting-search]').forEach(attach)
}
