/* NewsroomBlock: story cards, outside links, media embeds, photos and pull quotes inside the
   story body, where readers will see them.

   Stored as one empty element per block, attributes only (the format both the editor and
   articles' server-side renderer keep to):

     <figure data-block="story|link|media|photo|quote" data-…="…"></figure>

   Only the attributes of the block's kind are written, and only when not empty; values are
   plain text (the serialiser escapes them, the server never reads them as HTML). In the
   editor each block is an atom node: inserted at the cursor from the toolbar's last button
   group (story and photo pickers ask editorial/admin/pickers.py), dragged by its handle or
   moved with Alt+ArrowUp / Alt+ArrowDown (or its own buttons), and edited in place through
   the fields under "Edit details". No inline styles anywhere: the admin's
   Content-Security-Policy refuses them, so everything is styled by story-blocks.css. */

import { Node, crel, gettext, pm, updateAttrsDialog } from "django-prose-editor/editor"

const { NodeSelection, TextSelection } = pm.state

// Each kind's attributes in the order they are written, and the fields an editor may change
// in place ([attribute, label, kind of input, help]).
const KINDS = {
  story: {
    label: gettext("Story card"),
    icon: "article",
    attrs: ["story", "headline", "url", "title", "excerpt"],
    fields: [
      ["title", gettext("Headline on the card"), "text", gettext("Empty: the story's own")],
      ["excerpt", gettext("Excerpt"), "textarea", gettext("Empty: the story's standfirst")],
    ],
  },
  link: {
    label: gettext("Outside link"),
    icon: "link",
    attrs: ["url", "title", "excerpt", "source", "author", "photo"],
    fields: [
      ["url", gettext("Address"), "url", ""],
      ["title", gettext("Title"), "text", ""],
      ["source", gettext("Source"), "text", gettext("e.g. Kyiv Science Weekly")],
      ["author", gettext("Author line"), "text", ""],
      ["excerpt", gettext("Excerpt"), "textarea", ""],
    ],
  },
  media: {
    label: gettext("Media embed"),
    icon: "smart_display",
    attrs: ["url", "title", "excerpt", "author"],
    fields: [
      ["url", gettext("Address"), "url", gettext("A YouTube, Vimeo, Telegram or X address")],
      ["title", gettext("Title"), "text", ""],
      ["author", gettext("Author line"), "text", ""],
      ["excerpt", gettext("Excerpt"), "textarea", ""],
    ],
  },
  photo: {
    label: gettext("Photo"),
    icon: "image",
    attrs: ["photo", "caption", "credit", "alt"],
    fields: [
      ["caption", gettext("Caption"), "text", ""],
      ["credit", gettext("Credit"), "text", ""],
      ["alt", gettext("Description for screen readers"), "text", ""],
    ],
  },
  quote: {
    label: gettext("Pull quote"),
    icon: "format_quote",
    attrs: ["text", "attribution"],
    fields: [
      ["text", gettext("Quote"), "textarea", ""],
      ["attribution", gettext("Who said it"), "text", ""],
    ],
  },
}
const ATTRIBUTES = [...new Set(Object.values(KINDS).flatMap((kind) => kind.attrs))]

// The providers articles.embeds rebuilds players for; anything else is never shown to
// readers, so the editor says so at once.
const PROVIDERS = [
  [/(^|\.)(youtube\.com|youtu\.be|youtube-nocookie\.com)$/, "YouTube"],
  [/(^|\.)vimeo\.com$/, "Vimeo"],
  [/^(www\.)?(t\.me|telegram\.me)$/, "Telegram"],
  [/^(www\.|mobile\.)?(x\.com|twitter\.com)$/, "X"],
]

export function mediaProvider(url) {
  let host
  try {
    const parsed = new URL(url)
    if (!["http:", "https:"].includes(parsed.protocol)) return null
    host = parsed.hostname.toLowerCase()
  } catch {
    return null
  }
  const found = PROVIDERS.find(([pattern]) => pattern.test(host))
  return found ? found[1] : null
}

// --- moving and inserting ------------------------------------------------------------------

/* Both helpers add their steps to `tr` (a Tiptap command's transaction, or one of the
   view's own) and say whether they apply; `apply` false only asks. */

function moveBlock(tr, pos, direction, apply = true) {
  const node = tr.doc.nodeAt(pos)
  if (!node || node.type.name !== "newsroomBlock") return false
  const $pos = tr.doc.resolve(pos)
  const target = $pos.index() + direction
  if (target < 0 || target >= $pos.parent.childCount) return false
  if (apply) {
    const sibling = $pos.parent.child(target)
    const to = direction < 0 ? pos - sibling.nodeSize : pos + sibling.nodeSize
    tr.delete(pos, pos + node.nodeSize).insert(to, node)
    tr.setSelection(NodeSelection.create(tr.doc, to)).scrollIntoView()
  }
  return true
}

// Where a block goes for the cursor: between top-level blocks, never inside a paragraph (a
// paragraph with the cursor in its middle is split there; an empty one is replaced). The
// cursor then waits in the paragraph after the block, one is added if there is none.
function insertBlock(tr, attrs, type, apply = true) {
  if (!apply) return true
  const block = type.create(attrs)
  const { selection } = tr
  const { $from } = selection
  let pos
  if (selection instanceof NodeSelection) {
    pos = $from.depth === 0 ? selection.to : $from.after(1)
  } else if ($from.depth === 0) {
    pos = $from.pos
  } else {
    const top = $from.node(1)
    const start = $from.before(1)
    if (top.isTextblock && top.content.size === 0) {
      tr.delete(start, start + top.nodeSize)
      pos = start
    } else if ($from.depth === 1 && $from.parentOffset === 0) {
      pos = start
    } else if ($from.depth > 1 || $from.parentOffset === $from.parent.content.size) {
      pos = $from.after(1)
    } else {
      tr.split($from.pos)
      pos = $from.pos + 1
    }
  }
  tr.insert(pos, block)
  const after = pos + block.nodeSize
  const next = tr.doc.resolve(after).nodeAfter
  if (!next || !next.isTextblock) tr.insert(after, type.schema.nodes.paragraph.create())
  tr.setSelection(TextSelection.create(tr.doc, after + 1)).scrollIntoView()
  return true
}

// --- pickers and dialogs -------------------------------------------------------------------

let uniqueId = 0
const nextId = (prefix) => `${prefix}-${++uniqueId}`

async function fetchJSON(url, params) {
  const query = new URLSearchParams(params).toString()
  const response = await fetch(`${url}?${query}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`${response.status} ${url}`)
  return (await response.json()).results
}

const lookups = new Map()
function lookup(url, id) {
  const key = `${url}#${id}`
  if (!lookups.has(key)) {
    lookups.set(
      key,
      fetchJSON(url, { id }).then(
        (results) => results[0] || null,
        () => null,
      ),
    )
  }
  return lookups.get(key)
}

/* A modal search: type words, pick one of the answers. Resolves with the chosen result, or
   null when closed without a choice. */
function pickerDialog(editor, { title, label, url, render, grid = false }) {
  return new Promise((resolve) => {
    const inputId = nextId("nb-picker")
    const input = crel("input", { type: "search", id: inputId, autocomplete: "off" })
    const results = crel("ul", {
      className: `nb-picker__results${grid ? " nb-picker__results--grid" : ""}`,
    })
    const status = crel("p", { className: "nb-picker__status", role: "status" })
    const cancel = crel("button", { type: "button", textContent: gettext("Cancel") })
    const titleId = nextId("nb-picker-title")
    const dialog = crel("dialog", {
      className: "prose-editor-dialog nb-picker",
      "aria-labelledby": titleId,
    }, [
      crel("form", { method: "dialog" }, [
        crel("h3", { className: "prose-editor-dialog-title", id: titleId, textContent: title }),
        crel("div", { className: "prose-editor-dialog-field" }, [
          crel("label", { htmlFor: inputId, textContent: label }),
          input,
        ]),
        status,
        results,
        crel("div", { className: "prose-editor-dialog-buttons" }, [cancel]),
      ]),
    ])
    let chosen = null
    let timer = null
    let asked = 0

    async function search() {
      const ticket = ++asked
      status.textContent = gettext("Searching…")
      let found = []
      try {
        found = await fetchJSON(url, { q: input.value })
      } catch {
        status.textContent = gettext("The search failed. Try again.")
        return
      }
      if (ticket !== asked) return
      results.replaceChildren(
        ...found.map((item) => {
          const button = crel("button", { type: "button", className: "nb-picker__choice" })
          button.append(...render(item))
          button.addEventListener("click", () => {
            chosen = item
            dialog.close()
          })
          return crel("li", {}, [button])
        }),
      )
      status.textContent = found.length
        ? `${found.length} ${gettext("found")}`
        : gettext("Nothing found.")
    }

    input.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(search, 200)
    })
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault()
        results.querySelector("button")?.click()
      }
    })
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(chosen)
    })
    editor.view.dom.parentElement.append(dialog)
    dialog.showModal()
    search()
  })
}

function pickStory(editor, options) {
  return pickerDialog(editor, {
    title: gettext("Insert a story card"),
    label: gettext("Search headlines"),
    url: options.storyPicker,
    render: (story) => [
      crel("span", { className: "nb-picker__headline", textContent: story.headline }),
      crel("span", {
        className: "nb-picker__meta",
        textContent: `${story.section} · ${story.status}`,
      }),
    ],
  }).then((story) =>
    story ? { kind: "story", story: String(story.id), headline: story.headline, url: story.url } : null,
  )
}

function pickPhoto(editor, options) {
  return pickerDialog(editor, {
    title: gettext("Insert a photo"),
    label: gettext("Search captions and credits"),
    url: options.photoPicker,
    grid: true,
    render: (photo) => [
      crel("img", { src: photo.thumbnail, alt: "", width: 160, className: "nb-picker__thumb" }),
      crel("span", { className: "nb-picker__headline", textContent: photo.title }),
    ],
  }).then((photo) => (photo ? { kind: "photo", photo: String(photo.id) } : null))
}

const FORM_DIALOGS = {
  link: {
    title: gettext("Insert an outside link"),
    fields: {
      url: { type: "string", title: gettext("Address"), format: "url", required: true },
      title: { type: "string", title: gettext("Title"), required: true },
      source: { type: "string", title: gettext("Source") },
      excerpt: { type: "string", title: gettext("Excerpt"), format: "textarea" },
    },
  },
  media: {
    title: gettext("Embed a video or post"),
    fields: {
      url: {
        type: "string",
        title: gettext("Address"),
        description: gettext("YouTube, Vimeo, Telegram or X"),
        format: "url",
        required: true,
      },
    },
  },
  quote: {
    title: gettext("Insert a pull quote"),
    fields: {
      text: { type: "string", title: gettext("Quote"), format: "textarea", required: true },
      attribution: { type: "string", title: gettext("Who said it") },
    },
  },
}

async function askForBlock(editor, kind, options) {
  if (kind === "story") return pickStory(editor, options)
  if (kind === "photo") return pickPhoto(editor, options)
  const { title, fields } = FORM_DIALOGS[kind]
  const values = await updateAttrsDialog(fields, { title, submitText: gettext("Insert") })(
    editor,
    {},
  )
  if (!values) return null
  const attrs = { kind }
  for (const [name, value] of Object.entries(values)) attrs[name] = String(value).trim()
  return attrs
}

// --- the node view: a card with a summary, move buttons and the fields to edit --------------

function iconButton(icon, label, className = "") {
  return crel(
    "button",
    {
      type: "button",
      className: `nb-card__button material-icons ${className}`,
      title: label,
      "aria-label": label,
      textContent: icon,
    },
    [],
  )
}

class BlockView {
  constructor({ node, editor, getPos, extension }) {
    this.node = node
    this.editor = editor
    this.getPos = getPos
    this.options = extension.options
    this.kind = KINDS[node.attrs.kind] || KINDS.quote
    this.inputs = {}

    this.dom = crel("div", {
      className: `nb-card nb-card--${node.attrs.kind}`,
      contentEditable: "false",
      "data-block-kind": node.attrs.kind,
    })
    const handle = crel("span", {
      className: "nb-card__handle material-icons",
      title: gettext("Drag to move"),
      "aria-hidden": "true",
      textContent: "drag_indicator",
      draggable: true,
      "data-drag-handle": "",
    })
    this.up = iconButton("arrow_upward", gettext("Move up (Alt+↑)"), "nb-card__up")
    this.down = iconButton("arrow_downward", gettext("Move down (Alt+↓)"), "nb-card__down")
    this.remove = iconButton("delete", gettext("Remove this block"), "nb-card__remove")
    for (const button of [this.up, this.down, this.remove]) button.disabled = !editor.isEditable
    this.up.addEventListener("click", () => this.move(-1))
    this.down.addEventListener("click", () => this.move(1))
    this.remove.addEventListener("click", () => this.delete())

    this.thumb = crel("img", { className: "nb-card__thumb", alt: "", hidden: true })
    this.headline = crel("strong", { className: "nb-card__headline" })
    this.meta = crel("span", { className: "nb-card__meta" })
    this.warning = crel("span", { className: "nb-card__warning", hidden: true })

    this.dom.append(
      crel("div", { className: "nb-card__bar" }, [
        handle,
        crel("span", { className: "nb-card__kind material-icons", "aria-hidden": "true", textContent: this.kind.icon }),
        crel("span", { className: "nb-card__label", textContent: this.kind.label }),
        crel("span", { className: "nb-card__actions" }, [this.up, this.down, this.remove]),
      ]),
      crel("div", { className: "nb-card__body" }, [
        this.thumb,
        crel("div", { className: "nb-card__summary" }, [this.headline, this.meta, this.warning]),
      ]),
      this.detailsElement(),
    )
    this.refresh()
  }

  detailsElement() {
    const fields = this.kind.fields.map(([name, label, type, help]) => {
      const id = nextId(`nb-${name}`)
      const input =
        type === "textarea"
          ? crel("textarea", { id, rows: 2 })
          : crel("input", { id, type: type === "url" ? "url" : "text" })
      input.name = `block-${name}`
      input.className = `nb-card__input nb-card__input--${name}`
      input.value = this.node.attrs[name] || ""
      input.disabled = !this.editor.isEditable
      if (help) input.placeholder = help
      input.addEventListener("input", () => this.setAttribute(name, input.value))
      this.inputs[name] = input
      return crel("div", { className: "nb-card__field" }, [
        crel("label", { htmlFor: id, textContent: label }),
        input,
      ])
    })
    this.details = crel("details", { className: "nb-card__details" }, [
      crel("summary", { textContent: gettext("Edit details") }),
      crel("div", { className: "nb-card__fields" }, fields),
    ])
    return this.details
  }

  position() {
    const pos = this.getPos()
    return typeof pos === "number" ? pos : null
  }

  setAttribute(name, value) {
    const pos = this.position()
    if (pos === null) return
    const { view } = this.editor
    const current = view.state.doc.nodeAt(pos)
    if (!current || current.attrs[name] === value) return
    view.dispatch(view.state.tr.setNodeMarkup(pos, null, { ...current.attrs, [name]: value }))
  }

  move(direction) {
    const pos = this.position()
    if (pos === null) return
    const { view } = this.editor
    const tr = view.state.tr
    if (moveBlock(tr, pos, direction)) view.dispatch(tr)
    view.focus()
  }

  delete() {
    const pos = this.position()
    if (pos === null) return
    const { view } = this.editor
    view.dispatch(view.state.tr.delete(pos, pos + this.node.nodeSize))
    view.focus()
  }

  refresh() {
    const { attrs } = this.node
    const kind = attrs.kind
    this.warning.hidden = true
    this.thumb.hidden = true
    if (kind === "story") {
      this.headline.textContent = attrs.title || attrs.headline || gettext("A story")
      this.meta.textContent = attrs.url || ""
      if (attrs.story && this.options.storyPicker) {
        lookup(this.options.storyPicker, attrs.story).then((story) => {
          if (story && !story.published) {
            this.warn(`${story.status}: ${gettext("readers see this card once the story is published.")}`)
          } else if (!story && !attrs.headline) {
            this.warn(gettext("This story is gone or hidden from you."))
          }
        })
      }
    } else if (kind === "link") {
      this.headline.textContent = attrs.title || gettext("An outside link")
      this.meta.textContent = [attrs.source, attrs.url].filter(Boolean).join(" · ")
    } else if (kind === "media") {
      const provider = mediaProvider(attrs.url)
      this.headline.textContent = attrs.title || (provider ? `${provider} ${gettext("embed")}` : gettext("Media embed"))
      this.meta.textContent = [provider, attrs.url].filter(Boolean).join(" · ")
      if (!provider) {
        this.warn(gettext("Readers will not see this: only YouTube, Vimeo, Telegram or X addresses can be embedded."))
      }
    } else if (kind === "photo") {
      this.headline.textContent = attrs.caption || gettext("A photo")
      this.meta.textContent = attrs.credit ? `(${attrs.credit})` : ""
      if (attrs.photo && this.options.photoPicker) {
        lookup(this.options.photoPicker, attrs.photo).then((photo) => this.showPhoto(photo))
      }
    } else {
      this.headline.textContent = attrs.text ? `“${attrs.text}”` : gettext("A pull quote")
      this.meta.textContent = attrs.attribution ? `— ${attrs.attribution}` : ""
    }
  }

  showPhoto(photo) {
    if (!photo) {
      this.warn(gettext("This photo is no longer in the library."))
      return
    }
    const { attrs } = this.node
    this.thumb.src = photo.thumbnail
    this.thumb.alt = attrs.alt || photo.alt
    this.thumb.width = 160
    this.thumb.hidden = false
    this.headline.textContent = attrs.caption || photo.caption
    this.meta.textContent = `(${attrs.credit || photo.credit})`
    // The photo's own words show through where the editor left a field empty.
    this.inputs.caption.placeholder = photo.caption
    this.inputs.credit.placeholder = photo.credit
    this.inputs.alt.placeholder = photo.alt
  }

  warn(text) {
    this.warning.textContent = text
    this.warning.hidden = false
  }

  update(node) {
    if (node.type !== this.node.type || node.attrs.kind !== this.node.attrs.kind) return false
    this.node = node
    for (const [name, input] of Object.entries(this.inputs)) {
      const value = node.attrs[name] || ""
      if (input.value !== value && document.activeElement !== input) input.value = value
    }
    this.refresh()
    return true
  }

  selectNode() {
    this.dom.classList.add("is-selected")
  }

  deselectNode() {
    this.dom.classList.remove("is-selected")
  }

  // Typing, clicks and focus inside the fields and buttons belong to them, not to the editor.
  stopEvent(event) {
    const target = event.target
    if (!(target instanceof Element)) return false
    return Boolean(target.closest("input, textarea, button, summary, label"))
  }

  ignoreMutation() {
    return true
  }
}

// --- the extension -------------------------------------------------------------------------

export const NewsroomBlock = Node.create({
  name: "newsroomBlock",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { storyPicker: "", photoPicker: "" }
  },

  addAttributes() {
    const attributes = {
      kind: { default: "quote", parseHTML: (element) => element.getAttribute("data-block") },
    }
    for (const name of ATTRIBUTES) {
      attributes[name] = {
        default: "",
        parseHTML: (element) => element.getAttribute(`data-${name}`) || "",
      }
    }
    return attributes
  },

  parseHTML() {
    return [
      {
        tag: "figure[data-block]",
        priority: 60,
        getAttrs: (element) => (element.getAttribute("data-block") in KINDS ? null : false),
      },
    ]
  },

  renderHTML({ node }) {
    const kind = KINDS[node.attrs.kind] ? node.attrs.kind : "quote"
    const attributes = { "data-block": kind }
    for (const name of KINDS[kind].attrs) {
      const value = (node.attrs[name] || "").trim()
      if (value) attributes[`data-${name}`] = value
    }
    return ["figure", attributes]
  },

  // The editable area is named after the field's label ("Body"), for screen readers.
  onCreate() {
    const dom = this.editor.view.dom
    const textarea = this.editor.options.element?.querySelector?.("textarea")
    const label = textarea?.id && document.querySelector(`label[for="${textarea.id}"]`)
    if (label && !dom.hasAttribute("aria-label")) {
      dom.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim())
    }
  },

  addNodeView() {
    return (props) => new BlockView({ ...props, extension: this })
  },

  addCommands() {
    return {
      insertNewsroomBlock:
        (attrs) =>
        ({ tr, dispatch }) =>
          insertBlock(tr, attrs, this.type, Boolean(dispatch)),
      moveNewsroomBlock:
        (direction) =>
        ({ tr, dispatch }) => {
          const { selection } = tr
          if (!(selection instanceof NodeSelection) || selection.node.type !== this.type) {
            return false
          }
          return moveBlock(tr, selection.from, direction, Boolean(dispatch))
        },
    }
  },

  addKeyboardShortcuts() {
    return {
      "Alt-ArrowUp": () => this.editor.commands.moveNewsroomBlock(-1),
      "Alt-ArrowDown": () => this.editor.commands.moveNewsroomBlock(1),
    }
  },

  addMenuItems({ buttons, menu }) {
    for (const [kind, { label, icon }] of Object.entries(KINDS)) {
      const button = buttons.material(icon, `${gettext("Insert")}: ${label}`)
      button.classList.add("nb-insert", `nb-insert--${kind}`)
      menu.defineItem({
        name: `newsroomBlock:${kind}`,
        groups: "newsroomBlocks",
        button,
        enabled: (editor) => editor.isEditable,
        command: async (editor) => {
          const attrs = await askForBlock(editor, kind, this.options)
          if (attrs) editor.chain().focus().insertNewsroomBlock(attrs).run()
          else editor.commands.focus()
        },
      })
    }
  },
})
