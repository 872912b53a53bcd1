# kunit.py --qemu_config for big-endian ppc64 pseries (POWER9). The same kernel boots
# with the radix MMU and, with disable_radix on the command line, the hash MMU.
# No lockdep: on pseries under qemu it warns at boot and switches itself off.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC64=y
CONFIG_CPU_BIG_ENDIAN=y
CONFIG_PPC_PSERIES=y
CONFIG_PPC_RADIX_MMU=y
CONFIG_PPC_64S_HASH_MMU=y
CONFIG_HVC_CONSOLE=y
CONFIG_PREEMPT=y''',
			   qemu_arch='ppc64',
			   kernel_path='vmlinux',
			   kernel_command_line='console=hvc0',
			   extra_qemu_params=['-M', 'pseries', '-cpu', 'power9', '-smp', '4'])
