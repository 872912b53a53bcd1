# kunit.py --qemu_config for a little-endian ppc64 pseries (POWER9) kernel with KASAN (radix MMU
# only: KASAN on Book3S-64 needs it), built by scripts/ppcdebug.sh: the big-endian KASAN kernel
# hangs at boot under qemu (configs/qemu_ppc64-kasan.py), so KASAN coverage of the series' ppc64
# code comes from little-endian.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC64=y
CONFIG_CPU_LITTLE_ENDIAN=y
CONFIG_PPC_PSERIES=y
CONFIG_PPC_RADIX_MMU=y
CONFIG_PPC_64S_HASH_MMU=y
CONFIG_HVC_CONSOLE=y
CONFIG_PREEMPT=y
CONFIG_KASAN=y''',
			   qemu_arch='ppc64',
			   kernel_path='vmlinux',
			   kernel_command_line='console=hvc0',
			   extra_qemu_params=['-M', 'pseries', '-cpu', 'power9', '-smp', '4'])
