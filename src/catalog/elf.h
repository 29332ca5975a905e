/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal, bounded ELF reader over a buffer in memory, for the catalogers
 * that look inside binaries (Go build info, Rust audit data). 32/64-bit,
 * both byte orders. Every offset, count and size read from the file is
 * checked against the buffer before use; nothing here allocates, so the
 * reader can never be made to exhaust memory.
 */
#pragma once

#include "basic/error.h"

struct cs_elf {
	const uint8_t *data;
	size_t len;
	bool is64;
	bool big_endian;
	uint16_t type;
	uint16_t machine;
	uint64_t phoff, shoff;
	uint32_t phnum, shnum; /* shnum after extended numbering */
	uint16_t phentsize, shentsize;
	uint32_t shstrndx;
};

struct cs_elf_section {
	const char *name; /* in the section name table; not NUL-terminated */
	size_t name_len;
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint64_t offset; /* checked: [offset, offset+size) lies in the file unless NOBITS */
	uint64_t size;
};

struct cs_elf_segment {
	uint32_t type;
	uint32_t flags;
	uint64_t offset; /* checked: [offset, offset+filesz) lies in the file */
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
};

#define CS_ELF_SHT_NOBITS 8
#define CS_ELF_PT_LOAD	  1
#define CS_ELF_PF_W	  2

/* Does the buffer start with the ELF magic? */
bool cs_elf_is_elf(const void *p, size_t n);

/*
 * Check the ELF header and the extents of the section and program header
 * tables; elf borrows data. -CS_E_INPUT with a message when malformed.
 */
int cs_elf_open(struct cs_elf *elf, const void *data, size_t len, struct cs_error *err);

/* Section i (0 <= i < shnum): 0, or -CS_E_INPUT when its header is out of bounds. */
int cs_elf_section(const struct cs_elf *elf, uint32_t i, struct cs_elf_section *ret,
		   struct cs_error *err);
/* First section with that name: 0, -CS_E_NOTFOUND, or -CS_E_INPUT (malformed). */
int cs_elf_section_by_name(const struct cs_elf *elf, const char *name, struct cs_elf_section *ret,
			   struct cs_error *err);
/* Program header i (0 <= i < phnum). */
int cs_elf_segment(const struct cs_elf *elf, uint32_t i, struct cs_elf_segment *ret,
		   struct cs_error *err);

/*
 * File offset of a virtual address, and how many bytes of file content
 * follow it in the same segment (or allocated section when there are no
 * program headers). -CS_E_NOTFOUND when no loaded content holds it.
 */
int cs_elf_vaddr_to_offset(const struct cs_elf *elf, uint64_t vaddr, uint64_t *ret_offset,
			   uint64_t *ret_avail);

/* Read an unsigned integer of 1, 2, 4 or 8 bytes in the given byte order. */
uint64_t cs_elf_read_uint(const uint8_t *p, unsigned size, bool big_endian);
