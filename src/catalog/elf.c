/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bounded ELF reader (elf.h). The header fields are copied into struct
 * cs_elf once; each section or program header is decoded on demand after
 * checking that it lies inside the buffer. Never allocates, never trusts a
 * count or an offset.
 */
#include <string.h>
#include "catalog/elf.h"

#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define SHDR32_SIZE 40
#define SHDR64_SIZE 64
#define PHDR32_SIZE 32
#define PHDR64_SIZE 56
#define PN_XNUM	    0xffff
#define SHN_XINDEX  0xffff
/* far more than any real binary; bounds the linear searches */
#define MAX_SECTIONS (1u << 20)
#define MAX_SEGMENTS (1u << 16)

uint64_t cs_elf_read_uint(const uint8_t *p, unsigned size, bool big_endian)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned k = big_endian ? i : size - 1 - i;

		v = (v << 8) | p[k];
	}
	return v;
}

bool cs_elf_is_elf(const void *p, size_t n)
{
	return n >= 4 && !memcmp(p,
				 "\x7f"
				 "ELF",
				 4);
}

static uint64_t rd(const struct cs_elf *elf, uint64_t off, unsigned size)
{
	return cs_elf_read_uint(elf->data + off, size, elf->big_endian);
}

/* Does [off, off+size) lie inside the buffer? */
static bool in_file(const struct cs_elf *elf, uint64_t off, uint64_t size)
{
	uint64_t end;

	return !cs_add_overflow(off, size, &end) && end <= elf->len;
}

static bool table_in_file(const struct cs_elf *elf, uint64_t off, uint64_t n, uint64_t entsize)
{
	uint64_t bytes;

	return !cs_mul_overflow(n, entsize, &bytes) && in_file(elf, off, bytes);
}

/* Section header i without the name (used while resolving extended numbering). */
static int section_raw(const struct cs_elf *elf, uint32_t i, struct cs_elf_section *s,
		       uint32_t *ret_name, uint32_t *ret_link, uint32_t *ret_info)
{
	uint64_t off;

	if (cs_mul_overflow((uint64_t)i, (uint64_t)elf->shentsize, &off) ||
	    cs_add_overflow(off, elf->shoff, &off) ||
	    !in_file(elf, off, elf->is64 ? SHDR64_SIZE : SHDR32_SIZE))
		return -CS_E_INPUT;
	memset(s, 0, sizeof(*s));
	*ret_name = (uint32_t)rd(elf, off, 4);
	s->type = (uint32_t)rd(elf, off + 4, 4);
	if (elf->is64) {
		s->flags = rd(elf, off + 8, 8);
		s->addr = rd(elf, off + 16, 8);
		s->offset = rd(elf, off + 24, 8);
		s->size = rd(elf, off + 32, 8);
		*ret_link = (uint32_t)rd(elf, off + 40, 4);
		*ret_info = (uint32_t)rd(elf, off + 44, 4);
	} else {
		s->flags = rd(elf, off + 8, 4);
		s->addr = rd(elf, off + 12, 4);
		s->offset = rd(elf, off + 16, 4);
		s->size = rd(elf, off + 20, 4);
		*ret_link = (uint32_t)rd(elf, off + 24, 4);
		*ret_info = (uint32_t)rd(elf, off + 28, 4);
	}
	return 0;
}

int cs_elf_open(struct cs_elf *elf, const void *data, size_t len, struct cs_error *err)
{
	const uint8_t *d = data;
	struct cs_elf e = { .data = data, .len = len };
	uint16_t shnum16, phnum16, shstrndx16;

	if (!cs_elf_is_elf(data, len) || len < 16)
		return cs_error_set(err, -CS_E_INPUT, "not an elf file");
	if (d[4] != 1 && d[4] != 2)
		return cs_error_set(err, -CS_E_INPUT, "elf: unknown class %u", d[4]);
	if (d[5] != 1 && d[5] != 2)
		return cs_error_set(err, -CS_E_INPUT, "elf: unknown data encoding %u", d[5]);
	e.is64 = d[4] == 2;
	e.big_endian = d[5] == 2;
	if (len < (e.is64 ? EHDR64_SIZE : EHDR32_SIZE))
		return cs_error_set(err, -CS_E_INPUT, "elf: truncated header");
	e.type = (uint16_t)rd(&e, 16, 2);
	e.machine = (uint16_t)rd(&e, 18, 2);
	if (e.is64) {
		e.phoff = rd(&e, 32, 8);
		e.shoff = rd(&e, 40, 8);
		e.phentsize = (uint16_t)rd(&e, 54, 2);
		phnum16 = (uint16_t)rd(&e, 56, 2);
		e.shentsize = (uint16_t)rd(&e, 58, 2);
		shnum16 = (uint16_t)rd(&e, 60, 2);
		shstrndx16 = (uint16_t)rd(&e, 62, 2);
	} else {
		e.phoff = rd(&e, 28, 4);
		e.shoff = rd(&e, 32, 4);
		e.phentsize = (uint16_t)rd(&e, 42, 2);
		phnum16 = (uint16_t)rd(&e, 44, 2);
		e.shentsize = (uint16_t)rd(&e, 46, 2);
		shnum16 = (uint16_t)rd(&e, 48, 2);
		shstrndx16 = (uint16_t)rd(&e, 50, 2);
	}
	e.phnum = phnum16;
	e.shnum = shnum16;
	e.shstrndx = shstrndx16;

	if (e.shoff != 0) {
		if (e.shentsize < (e.is64 ? SHDR64_SIZE : SHDR32_SIZE))
			return cs_error_set(err, -CS_E_INPUT, "elf: bad section header size %u",
					    e.shentsize);
		/* extended numbering lives in section header 0 */
		if (e.shnum == 0 || e.phnum == PN_XNUM || e.shstrndx == SHN_XINDEX) {
			struct cs_elf_section s0;
			uint32_t name, link, info;

			if (section_raw(&e, 0, &s0, &name, &link, &info) < 0)
				return cs_error_set(err, -CS_E_INPUT,
						    "elf: section header table out of bounds");
			if (e.shnum == 0)
				e.shnum = s0.size > MAX_SECTIONS ? MAX_SECTIONS + 1
								 : (uint32_t)s0.size;
			if (e.phnum == PN_XNUM)
				e.phnum = info;
			if (e.shstrndx == SHN_XINDEX)
				e.shstrndx = link;
		}
		if (e.shnum > MAX_SECTIONS)
			return cs_error_set(err, -CS_E_INPUT, "elf: too many sections");
		if (!table_in_file(&e, e.shoff, e.shnum, e.shentsize))
			return cs_error_set(err, -CS_E_INPUT,
					    "elf: section header table out of bounds");
	} else {
		e.shnum = 0;
	}
	if (e.phoff != 0 && e.phnum != 0) {
		if (e.phentsize < (e.is64 ? PHDR64_SIZE : PHDR32_SIZE))
			return cs_error_set(err, -CS_E_INPUT, "elf: bad program header size %u",
					    e.phentsize);
		if (e.phnum > MAX_SEGMENTS)
			return cs_error_set(err, -CS_E_INPUT, "elf: too many program headers");
		if (!table_in_file(&e, e.phoff, e.phnum, e.phentsize))
			return cs_error_set(err, -CS_E_INPUT,
					    "elf: program header table out of bounds");
	} else {
		e.phnum = 0;
	}
	*elf = e;
	return 0;
}

int cs_elf_section(const struct cs_elf *elf, uint32_t i, struct cs_elf_section *ret,
		   struct cs_error *err)
{
	struct cs_elf_section s, str;
	uint32_t name, link, info, sname, slink, sinfo;

	if (i >= elf->shnum || section_raw(elf, i, &s, &name, &link, &info) < 0)
		return cs_error_set(err, -CS_E_INPUT, "elf: no section %u", i);
	if (s.type != CS_ELF_SHT_NOBITS && !in_file(elf, s.offset, s.size))
		return cs_error_set(err, -CS_E_INPUT, "elf: section %u out of bounds", i);
	/* the name, from the section name table */
	if (elf->shstrndx < elf->shnum && elf->shstrndx != 0 &&
	    section_raw(elf, elf->shstrndx, &str, &sname, &slink, &sinfo) == 0 &&
	    str.type != CS_ELF_SHT_NOBITS && in_file(elf, str.offset, str.size) &&
	    name < str.size) {
		const char *p = (const char *)elf->data + str.offset + name;
		size_t max = (size_t)(str.size - name);
		const char *nul = memchr(p, '\0', max);

		s.name = p;
		s.name_len = nul ? (size_t)(nul - p) : max;
	} else {
		s.name = "";
		s.name_len = 0;
	}
	*ret = s;
	return 0;
}

int cs_elf_section_by_name(const struct cs_elf *elf, const char *name, struct cs_elf_section *ret,
			   struct cs_error *err)
{
	size_t n = strlen(name);

	for (uint32_t i = 1; i < elf->shnum; i++) {
		struct cs_elf_section s;
		int r = cs_elf_section(elf, i, &s, err);

		if (r < 0)
			return r;
		if (s.name_len == n && !memcmp(s.name, name, n)) {
			*ret = s;
			return 0;
		}
	}
	return -CS_E_NOTFOUND;
}

int cs_elf_segment(const struct cs_elf *elf, uint32_t i, struct cs_elf_segment *ret,
		   struct cs_error *err)
{
	struct cs_elf_segment s;
	uint64_t off;

	if (i >= elf->phnum || cs_mul_overflow((uint64_t)i, (uint64_t)elf->phentsize, &off) ||
	    cs_add_overflow(off, elf->phoff, &off) ||
	    !in_file(elf, off, elf->is64 ? PHDR64_SIZE : PHDR32_SIZE))
		return cs_error_set(err, -CS_E_INPUT, "elf: no program header %u", i);
	s.type = (uint32_t)rd(elf, off, 4);
	if (elf->is64) {
		s.flags = (uint32_t)rd(elf, off + 4, 4);
		s.offset = rd(elf, off + 8, 8);
		s.vaddr = rd(elf, off + 16, 8);
		s.filesz = rd(elf, off + 32, 8);
		s.memsz = rd(elf, off + 40, 8);
	} else {
		s.offset = rd(elf, off + 4, 4);
		s.vaddr = rd(elf, off + 8, 4);
		s.filesz = rd(elf, off + 16, 4);
		s.memsz = rd(elf, off + 20, 4);
		s.flags = (uint32_t)rd(elf, off + 24, 4);
	}
	if (!in_file(elf, s.offset, s.filesz))
		return cs_error_set(err, -CS_E_INPUT, "elf: program header %u out of bounds", i);
	*ret = s;
	return 0;
}

static bool map_range(uint64_t vaddr, uint64_t start, uint64_t size, uint64_t offset,
		      uint64_t *ret_offset, uint64_t *ret_avail)
{
	if (vaddr < start || vaddr - start >= size)
		return false;
	*ret_offset = offset + (vaddr - start);
	*ret_avail = size - (vaddr - start);
	return true;
}

int cs_elf_vaddr_to_offset(const struct cs_elf *elf, uint64_t vaddr, uint64_t *ret_offset,
			   uint64_t *ret_avail)
{
	for (uint32_t i = 0; i < elf->phnum; i++) {
		struct cs_elf_segment s;

		if (cs_elf_segment(elf, i, &s, NULL) < 0 || s.type != CS_ELF_PT_LOAD)
			continue;
		if (map_range(vaddr, s.vaddr, s.filesz, s.offset, ret_offset, ret_avail))
			return 0;
	}
	for (uint32_t i = 1; i < elf->shnum; i++) {
		struct cs_elf_section s;

		if (cs_elf_section(elf, i, &s, NULL) < 0 || s.type == CS_ELF_SHT_NOBITS ||
		    s.addr == 0)
			continue;
		if (map_range(vaddr, s.addr, s.size, s.offset, ret_offset, ret_avail))
			return 0;
	}
	return -CS_E_NOTFOUND;
}
