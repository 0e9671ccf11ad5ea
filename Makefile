# Front door. Each target calls one script under scripts/.
.PHONY: all demo check bench tree tree-reset kernel tests export series-check mlx5-builds deb vm-run clean help

all: kernel

help:
	@echo "make demo          build, boot, and run the demo in the guest"
	@echo "make check         build, boot, and run every test (ends with 'N passed, N failed')"
	@echo "make bench         build, boot, and compare the receive modes (build/bench/results.*)"
	@echo "make tree          create build/linux (base + patches/linux)"
	@echo "make tree-reset    throw build/linux away and re-create it"
	@echo "make kernel        build the debug kernel into build/kbuild"
	@echo "make tests         build the test programs"
	@echo "make export        regenerate patches/linux from build/linux"
	@echo "make series-check  checkpatch --strict and a build at every patch"
	@echo "make mlx5-builds   the mlx5 files without MLX5_SF and for arm64 with 64K pages"
	@echo "make deb           Debian packages of the series on Debian's config (hours)"
	@echo "make vm-run CMD='…' run a host command in the guest"

demo:
	scripts/demo

check:
	scripts/check $(FILTER)

bench:
	scripts/bench --build-kernel

tree:
	scripts/tree

tree-reset:
	scripts/tree --reset

kernel: tree
	scripts/build-kernel

tests: kernel
	scripts/build-tests

export:
	scripts/export-series

series-check:
	scripts/check-series

mlx5-builds: tree
	scripts/mlx5-builds

deb: tree
	scripts/deb

vm-run:
	scripts/vm-run -- $(CMD)

clean:
	rm -rf build
