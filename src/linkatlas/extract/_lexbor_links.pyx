# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The body-link walk of :mod:`linkatlas.extract.html`, compiled: the same rules, read
straight from Lexbor's tree.

selectolax parses the page; this module walks the tree it built through the raw node
pointers selectolax itself hands out (``LexborNode.mem_id``), so a link costs no Python node
object, no attribute dict and no text call. The structures below are Lexbor's own layout
(``lxb_dom_node_t``, ``lxb_dom_element_t``, ``lxb_dom_attr_t``, ``lxb_dom_character_data_t``
and the name entry of a document's attribute hash), declared here because selectolax ships no
Lexbor headers. :mod:`linkatlas.extract.compiled` checks the layout against selectolax's
own answers on a sample document before this walk is used, and keeps to the Python walk
when anything differs.

What it does per link is exactly what ``html._add_body_links_python`` does (resolution
through the run's caches, anchor text, image alt, title, rel flags, position); the position
rules are ``extract.position``'s tables, handed to :class:`Layout`, and values that are not
ASCII go to ``position.classify_values`` (Unicode case and whitespace). The tests run both
walks on every page of the test data and on random documents and compare the records.
"""

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uintptr_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcmp, memcpy


cdef struct lx_str:
    unsigned char *data
    size_t length


cdef struct lx_node:
    void *events
    uintptr_t local_name
    uintptr_t prefix
    uintptr_t ns
    void *owner_document
    lx_node *next
    lx_node *prev
    lx_node *parent
    lx_node *first_child
    lx_node *last_child
    void *user
    int type


cdef struct lx_attr:
    lx_node node
    uintptr_t upper_name
    uintptr_t qualified_name
    lx_str *value
    void *owner
    lx_attr *next
    lx_attr *prev


cdef struct lx_element:
    lx_node node
    uintptr_t upper_name
    uintptr_t qualified_name
    lx_str *is_value
    lx_attr *first_attr
    lx_attr *last_attr


cdef struct lx_text:
    lx_node node
    lx_str data


cdef struct lx_name_entry:
    # union { lxb_char_t *long_str; lxb_char_t short_str[17]; }, 8-byte aligned
    unsigned char short_name[24]
    size_t length
    void *next


cdef enum:
    ELEMENT_NODE = 1
    SHORT_NAME = 16
    # Static (built-in) tag and attribute ids are small numbers; any other id is the address
    # of the name's entry in the document's hash.
    STATIC_LIMIT = 65536
    RULES = 1024
    # Position rules of a tag (position.py's _BY_TAG): 0 none, 1-5 a position (see Layout),
    # 6 read the role, id and class.
    RULE_NONE = 0
    RULE_NAMED = 6
    # Attribute slots read from an element.
    A_HREF = 0
    A_XLINK_HREF = 1
    A_REL = 2
    A_TITLE = 3
    A_ALT = 4
    A_ROLE = 5
    A_CLASS = 6
    A_ID = 7
    A_LINK = 8  # any attribute whose local name is href (what the selector [href] matches)
    SLOTS = 9
    # Tables of the position names (position.py's ROLES and WORDS), read in C.
    NAMES = 32
    NAME_BYTES = 24


class Unreadable(Exception):
    """A node this walk cannot read as selectolax would: the Python walk takes the page."""


STATIC_ID_LIMIT = STATIC_LIMIT
"""Ids below this are Lexbor's built-in names (the same in every document)."""


cdef struct buffer:
    char *data
    Py_ssize_t length
    Py_ssize_t size


cdef inline int grow(buffer *buf, Py_ssize_t extra) except -1:
    cdef Py_ssize_t size
    cdef char *data
    if buf.length + extra <= buf.size:
        return 0
    size = max(buf.size * 2, buf.length + extra, 256)
    data = <char *> realloc(buf.data, size)
    if data == NULL:
        raise MemoryError()
    buf.data = data
    buf.size = size
    return 0


cdef inline bint ascii_space(unsigned char byte) noexcept nogil:
    # str.split()'s whitespace among ASCII: \t \n \v \f \r, \x1c-\x1f and the space.
    return byte == 32 or 9 <= byte <= 13 or 28 <= byte <= 31


cdef inline bint wide_space(unsigned int code) noexcept nogil:
    # str.split()'s whitespace above ASCII.
    return (
        code == 0x85 or code == 0xA0 or code == 0x1680 or 0x2000 <= code <= 0x200A
        or code == 0x2028 or code == 0x2029 or code == 0x202F or code == 0x205F
        or code == 0x3000
    )


cdef struct spaced:
    buffer buf
    bint pending
    bint invalid


cdef inline void start_spaced(spaced *out) noexcept:
    """An empty ``spaced`` (its buffer is allocated by the first ``add_text``)."""
    out.buf.data = NULL
    out.buf.length = out.buf.size = 0
    out.pending = out.invalid = False


cdef inline void put(spaced *out, const unsigned char *data, size_t n) noexcept:
    """Append ``n`` bytes of one character, after the pending space if there is one (room
    was made by the caller)."""
    cdef size_t k
    if out.pending:
        out.buf.data[out.buf.length] = 32
        out.buf.length += 1
        out.pending = False
    for k in range(n):
        out.buf.data[out.buf.length] = <char> data[k]
        out.buf.length += 1


cdef int add_text(spaced *out, const unsigned char *data, size_t length) except -1:
    """Append ``data`` to ``out`` with whitespace runs collapsed to one space and no space
    at the ends (``" ".join(text.split())`` over the fragments). UTF-8 that Python would not
    decode sets ``invalid`` (the caller then takes the Python route for this text)."""
    cdef size_t i = 0, n, k
    cdef unsigned char byte
    cdef unsigned int code
    if grow(&out.buf, <Py_ssize_t> length + 1) < 0:
        return -1
    while i < length:
        byte = data[i]
        if byte < 0x80:
            if ascii_space(byte):
                out.pending = out.buf.length > 0
            else:
                put(out, data + i, 1)
            i += 1
            continue
        if 0xC2 <= byte <= 0xDF:
            n = 2
            code = byte & 0x1F
        elif 0xE0 <= byte <= 0xEF:
            n = 3
            code = byte & 0x0F
        elif 0xF0 <= byte <= 0xF4:
            n = 4
            code = byte & 0x07
        else:
            out.invalid = True
            return 0
        if i + n > length:
            out.invalid = True
            return 0
        for k in range(1, n):
            if data[i + k] & 0xC0 != 0x80:
                out.invalid = True
                return 0
            code = (code << 6) | (data[i + k] & 0x3F)
        if (
            (n == 3 and (code < 0x800 or 0xD800 <= code <= 0xDFFF))
            or (n == 4 and (code < 0x10000 or code > 0x10FFFF))
        ):
            out.invalid = True
            return 0
        if wide_space(code):
            out.pending = out.buf.length > 0
        else:
            put(out, data + i, n)
        i += n
    return 0


cdef inline str decode(const unsigned char *data, size_t length):
    return PyUnicode_DecodeUTF8(<const char *> data, <Py_ssize_t> length, "replace")


cdef struct names:
    unsigned char text[NAMES][NAME_BYTES]
    size_t length[NAMES]
    unsigned char code[NAMES]
    int count


cdef int fill_names(names *table, dict given) except -1:
    """``given`` (lower-case ASCII name → rule number) into ``table``."""
    cdef int slot = 0
    cdef bytes text
    if len(given) > NAMES:
        raise ValueError("too many position names")
    for name, code in given.items():
        text = name.encode("ascii")
        if len(text) >= NAME_BYTES:
            raise ValueError(f"position name too long: {name}")
        memcpy(table.text[slot], <const char *> text, len(text))
        table.length[slot] = len(text)
        table.code[slot] = code
        slot += 1
    table.count = slot
    return 0


cdef unsigned char name_code(names *table, const unsigned char *lowered, size_t length) noexcept:
    """The rule number of a lower-cased name in ``table``, 0 if it is not there."""
    cdef int slot
    for slot in range(table.count):
        if table.length[slot] == length and memcmp(table.text[slot], lowered, length) == 0:
            return table.code[slot]
    return 0


cdef inline bint is_ascii(lx_str *value) noexcept:
    cdef size_t i
    if value == NULL or value.data == NULL:
        return True
    for i in range(value.length):
        if value.data[i] >= 0x80:
            return False
    return True


cdef inline bint filled(lx_str *value) noexcept:
    return value != NULL and value.data != NULL and value.length > 0


cdef inline unsigned char lower(unsigned char byte) noexcept:
    return byte + 32 if 65 <= byte <= 90 else byte


cdef unsigned char role_code(Layout layout, lx_str *role) noexcept:
    """position.classify_values's role step on ASCII: stripped, lower-cased, looked up."""
    cdef size_t start = 0, end = role.length, i
    cdef unsigned char lowered[NAME_BYTES]
    while start < end and ascii_space(role.data[start]):
        start += 1
    while end > start and ascii_space(role.data[end - 1]):
        end -= 1
    if end - start >= NAME_BYTES:
        return 0
    for i in range(start, end):
        lowered[i - start] = lower(role.data[i])
    return name_code(&layout.roles, lowered, end - start)


cdef inline bint word_break(unsigned char byte) noexcept:
    """Whether ``byte`` separates id/class words: whitespace, ``_`` or ``-``."""
    return ascii_space(byte) or byte == 95 or byte == 45


cdef unsigned int word_codes(Layout layout, lx_str *value) noexcept:
    """The rule numbers (as bits) of the words of an ASCII id or class value: split on
    whitespace, ``_`` and ``-``, lower-cased (position.classify_names)."""
    cdef unsigned int found = 0
    cdef size_t i = 0, start, n = value.length
    cdef unsigned char lowered[NAME_BYTES]
    while i < n:
        if word_break(value.data[i]):
            i += 1
            continue
        start = i
        while i < n and not word_break(value.data[i]):
            if i - start < NAME_BYTES:
                lowered[i - start] = lower(value.data[i])
            i += 1
        if i - start < NAME_BYTES:
            found |= 1u << name_code(&layout.words, lowered, i - start)
    return found & ~1u


cdef class Layout:
    """The ids this walk compares against, learned from a parsed sample, and the position
    rules (see ``linkatlas.extract.compiled``)."""

    cdef uintptr_t tag_a, tag_area, tag_img, tag_text
    cdef uintptr_t attr_ids[SLOTS]
    cdef bint attr_static[SLOTS]
    cdef tuple attr_names
    cdef unsigned char rules[RULES]
    cdef tuple positions
    cdef names roles, words
    cdef unsigned char priority[8]
    cdef int priorities

    def __init__(
        self,
        dict tags,
        dict attrs,
        dict rules,
        tuple positions,
        dict roles,
        dict words,
        tuple priority,
    ):
        """``tags``: ids of a, area, img and #text; ``attrs``: id of each attribute slot's
        name (``href``'s must be built in; ``xlink:href`` is matched by its text);
        ``rules``: tag id → rule number; ``positions``: the Position string of each rule number 1-5, and at 0 that of a link
        with no classified ancestor; ``roles`` and ``words``: lower-case ARIA roles and
        id/class words with their rule numbers, ``priority``: the rule numbers in the order
        in which words decide (all from ``linkatlas.extract.position``)."""
        cdef int slot
        self.tag_a = tags["a"]
        self.tag_area = tags["area"]
        self.tag_img = tags["img"]
        self.tag_text = tags["#text"]
        names = ("href", "xlink:href", "rel", "title", "alt", "role", "class", "id", "")
        self.attr_names = tuple(name.encode("ascii") for name in names)
        for slot in range(SLOTS - 1):
            self.attr_ids[slot] = attrs[names[slot]]
            self.attr_static[slot] = self.attr_ids[slot] < STATIC_LIMIT
        # xlink:href is found by its text: with a prefix (SVG) or as a plain name (HTML).
        self.attr_static[A_XLINK_HREF] = False
        self.attr_ids[A_LINK] = self.attr_ids[A_HREF]
        self.attr_static[A_LINK] = False
        for slot in range(RULES):
            self.rules[slot] = RULE_NONE
        for tag, rule in rules.items():
            if tag < RULES:
                self.rules[tag] = rule
        self.positions = positions
        fill_names(&self.roles, roles)
        fill_names(&self.words, words)
        if len(priority) > 8:
            raise ValueError("too many positions in the priority order")
        self.priorities = len(priority)
        for slot in range(self.priorities):
            self.priority[slot] = priority[slot]


cdef inline bint entry_is(uintptr_t entry_id, bytes name) noexcept:
    """Whether the hash entry at ``entry_id`` spells ``name``."""
    cdef lx_name_entry *entry = <lx_name_entry *> entry_id
    cdef Py_ssize_t length = len(name)
    cdef const unsigned char *text
    if <Py_ssize_t> entry.length != length:
        return False
    if length <= SHORT_NAME:
        text = entry.short_name
    else:
        text = (<unsigned char **> entry_id)[0]
    return memcmp(text, <const char *> name, length) == 0


cdef int read_attrs(Layout layout, lx_node *node, lx_str **slots, bint *found) except -1:
    """Fill ``slots`` with the value of each attribute slot (NULL: absent or valueless,
    ``found``: present), keyed as selectolax's ``attributes`` keys them (last one wins)."""
    cdef lx_attr *attr = (<lx_element *> node).first_attr
    cdef int slot
    cdef uintptr_t name
    for slot in range(SLOTS):
        slots[slot] = NULL
        found[slot] = False
    while attr != NULL:
        name = attr.node.local_name
        if name == layout.attr_ids[A_LINK]:
            found[A_LINK] = True
        if attr.node.prefix != 0:
            # Only xlink:href matters among prefixed attributes (SVG links).
            if name == layout.attr_ids[A_LINK] and attr.qualified_name >= STATIC_LIMIT \
                    and entry_is(attr.qualified_name, layout.attr_names[A_XLINK_HREF]):
                slots[A_XLINK_HREF] = attr.value
                found[A_XLINK_HREF] = True
        else:
            if attr.qualified_name != 0:
                # A name whose case foreign content adjusts (SVG's viewBox): selectolax keys
                # it by that qualified name, compared by its text below.
                if attr.qualified_name < STATIC_LIMIT:
                    raise Unreadable("an attribute with a built-in qualified name")
                name = attr.qualified_name
            for slot in range(A_LINK):
                # A name that is not built in is compared by its text: its id is an
                # address in this document's hash.
                if (
                    name == layout.attr_ids[slot]
                    if layout.attr_static[slot] and attr.qualified_name == 0
                    else name >= STATIC_LIMIT and entry_is(name, layout.attr_names[slot])
                ):
                    slots[slot] = attr.value
                    found[slot] = True
                    break
        attr = attr.next
    return 0


cdef inline object value_or_none(lx_str *value):
    if value == NULL or value.data == NULL:
        return None
    return decode(value.data, value.length)


cdef object normalized(lx_str *value, object normalize_space):
    """``normalize_space(value or "")``."""
    cdef spaced out
    if value == NULL or value.data == NULL or value.length == 0:
        return ""
    start_spaced(&out)
    try:
        add_text(&out, value.data, value.length)
        if out.invalid:
            return normalize_space(decode(value.data, value.length))
        return decode(<unsigned char *> out.buf.data, out.buf.length)
    finally:
        free(out.buf.data)


cdef inline lx_node *next_in(lx_node *node, lx_node *top) noexcept:
    """The node after ``node`` in document order within ``top``'s subtree, or NULL."""
    if node.first_child != NULL:
        return node.first_child
    while node != top:
        if node.next != NULL:
            return node.next
        node = node.parent
    return NULL


cdef object anchor_text(Layout layout, lx_node *link, object normalize_space, bint *has_image):
    """The link's text (its text nodes joined by spaces, whitespace-normalised), and whether
    an image sits inside it."""
    cdef spaced out
    cdef lx_node *node = next_in(link, link) if link.first_child != NULL else NULL
    cdef lx_text *text
    start_spaced(&out)
    has_image[0] = False
    try:
        while node != NULL:
            if node.local_name == layout.tag_text:
                text = <lx_text *> node
                if text.data.data != NULL:
                    out.pending = out.buf.length > 0
                    if not out.invalid:
                        add_text(&out, text.data.data, text.data.length)
            elif node.local_name == layout.tag_img:
                has_image[0] = True
            node = next_in(node, link)
        if out.invalid:
            return normalize_space(_python_text(layout, link))
        return decode(<unsigned char *> out.buf.data, out.buf.length)
    finally:
        free(out.buf.data)


cdef str _python_text(Layout layout, lx_node *link):
    """The link's text as selectolax's ``text(True, " ")`` gives it (invalid UTF-8 route)."""
    cdef lx_node *node = next_in(link, link) if link.first_child != NULL else NULL
    cdef lx_text *text
    parts = []
    while node != NULL:
        if node.local_name == layout.tag_text:
            text = <lx_text *> node
            if text.data.data != NULL:
                parts.append(decode(text.data.data, text.data.length))
        node = next_in(node, link)
    return " ".join(parts)


cdef object image_alt(Layout layout, lx_node *link, object normalize_space):
    """The first non-empty alt text of the images inside the link, normalised."""
    cdef lx_node *node = next_in(link, link) if link.first_child != NULL else NULL
    cdef lx_str *slots[SLOTS]
    cdef bint found[SLOTS]
    while node != NULL:
        if node.local_name == layout.tag_img and node.type == ELEMENT_NODE:
            read_attrs(layout, node, slots, found)
            alt = normalized(slots[A_ALT], normalize_space)
            if alt:
                return alt
        node = next_in(node, link)
    return ""


cdef object classify(Layout layout, lx_node *node, object classify_values):
    """A block container's position from its role, id and class (None: none)."""
    cdef lx_str *slots[SLOTS]
    cdef bint found[SLOTS]
    cdef unsigned char code
    cdef unsigned int bits = 0
    cdef int slot
    if node.type != ELEMENT_NODE:
        return None
    read_attrs(layout, node, slots, found)
    if not (found[A_ROLE] or found[A_CLASS] or found[A_ID]):
        return None
    if not (is_ascii(slots[A_ROLE]) and is_ascii(slots[A_CLASS]) and is_ascii(slots[A_ID])):
        return classify_values(  # Unicode case and spaces: Python's own rules
            value_or_none(slots[A_ROLE]),
            value_or_none(slots[A_CLASS]),
            value_or_none(slots[A_ID]),
        )
    if filled(slots[A_ROLE]):
        code = role_code(layout, slots[A_ROLE])
        if code:
            return layout.positions[code]
    if filled(slots[A_ID]):
        bits |= word_codes(layout, slots[A_ID])
    if filled(slots[A_CLASS]):
        bits |= word_codes(layout, slots[A_CLASS])
    for slot in range(layout.priorities):
        if bits & (1u << layout.priority[slot]):
            return layout.positions[layout.priority[slot]]
    return None


cdef inline unsigned char rule_of(Layout layout, lx_node *node) noexcept:
    return layout.rules[node.local_name] if node.local_name < RULES else RULE_NONE


cdef object position_of(Layout layout, lx_node *link, dict cache, object classify_values):
    """position.link_position over raw nodes (the same steps and the same cache)."""
    cdef lx_node *current = link.parent
    cdef unsigned char rule
    cdef list chain
    if current == NULL:
        return layout.positions[0]
    rule = rule_of(layout, current)
    if rule == RULE_NONE:
        current = current.parent
        if current == NULL:
            return layout.positions[0]
    elif rule != RULE_NAMED:
        return layout.positions[rule]
    key = <size_t> current
    known = cache.get(key)
    if known is not None:
        return known
    chain = []
    position = layout.positions[0]
    while True:
        rule = rule_of(layout, current)
        if rule == RULE_NAMED:
            own = classify(layout, current, classify_values)
        elif rule != RULE_NONE:
            own = layout.positions[rule]
        else:
            own = None
        if own is not None:
            position = own
            cache[key] = own
            break
        chain.append(key)
        current = current.parent
        if current == NULL:
            break
        key = <size_t> current
        known = cache.get(key)
        if known is not None:
            position = known
            break
    for key in chain:
        cache[key] = position
    return position


def body_links(
    Layout layout,
    size_t root,
    object page,
    object link_type,
    object rel_info,
    object classify_values,
    object normalize_space,
):
    """The body links of the tree whose root element is at ``root``, as ``html``'s walk makes
    them: returns (links, dropped reasons). ``page`` is the page's ``_PageLinks``."""
    cdef lx_node *top = <lx_node *> root
    cdef lx_node *node = top
    cdef lx_str *slots[SLOTS]
    cdef bint found[SLOTS]
    cdef bint has_image, is_a
    cdef dict absolute = page.absolute
    cdef dict relative = page.relative
    cdef dict own = page.own
    cdef dict positions = {}
    cdef list links = []
    cdef list dropped = []
    resolve = page.resolve
    page_domain = page.page_domain
    nofollow_all = page.nofollow_all
    no_rel = ((), False, False, False)
    while node != NULL:
        is_a = node.local_name == layout.tag_a
        if node.type != ELEMENT_NODE or not (is_a or node.local_name == layout.tag_area):
            node = next_in(node, top)
            continue
        read_attrs(layout, node, slots, found)
        if not found[A_LINK]:
            node = next_in(node, top)
            continue
        href = value_or_none(slots[A_HREF])
        if href is None:
            href = value_or_none(slots[A_XLINK_HREF]) or ""
        resolved = absolute.get(href) or relative.get(href) or own.get(href) or resolve(href)
        if isinstance(resolved, str):
            dropped.append(resolved)
            node = next_in(node, top)
            continue
        target, host, domain = resolved
        if is_a:
            kind = "a"
            anchor = anchor_text(layout, node, normalize_space, &has_image)
            if not anchor and has_image:
                anchor = image_alt(layout, node, normalize_space)
        else:
            kind = "area"
            has_image = False
            anchor = normalized(slots[A_ALT], normalize_space)
        if not anchor:
            anchor = normalized(slots[A_TITLE], normalize_space)
        rel_value = value_or_none(slots[A_REL])
        rel, nofollow, sponsored, ugc = rel_info(rel_value) if rel_value else no_rel
        links.append(
            link_type(
                target,
                anchor,
                rel,
                nofollow_all or nofollow,
                sponsored,
                ugc,
                kind,
                has_image,
                position_of(layout, node, positions, classify_values),
                domain == page_domain,
                host,
                domain,
            )
        )
        node = next_in(node, top)
    return links, dropped


def read_node(Layout layout, size_t address):
    """(tag id, parent address, node type, {attribute slot name: value}) of one node: the
    layout check compares these with selectolax's answers."""
    cdef lx_node *node = <lx_node *> address
    cdef lx_str *slots[SLOTS]
    cdef bint found[SLOTS]
    cdef int slot
    values = {}
    if node.type == ELEMENT_NODE:
        read_attrs(layout, node, slots, found)
        for slot in range(A_LINK):
            if found[slot]:
                values[layout.attr_names[slot].decode("ascii")] = value_or_none(slots[slot])
    return node.local_name, <size_t> node.parent, node.type, values


def attribute_ids(size_t address):
    """The name id of each attribute of the element at ``address``, in order (learning)."""
    cdef lx_attr *attr = (<lx_element *> address).first_attr
    ids = []
    while attr != NULL:
        ids.append(attr.node.local_name)
        attr = attr.next
    return ids


def name_id(size_t address):
    """The tag id of the node at ``address`` (learning the id of text nodes)."""
    return (<lx_node *> address).local_name
