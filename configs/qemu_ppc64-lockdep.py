# kunit.py --qemu_config for the big-endian ppc64 pseries (POWER9) kernel of configs/qemu_ppc64.py
# plus lockdep, built from the unpatched base by scripts/ppcdebug.sh to show why the ppc64
# test kernels go without it (DESIGN section 9): it warns once at boot and switches itself off.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC64=y
CONFIG_CPU_BIG_ENDIAN=y
CONFIG_PPC_PSERIES=y
CONFIG_PPC_RADIX_MMU=y
CONFIG_PPC_64S_HASH_MMU=y
CONFIG_HVC_CONSOLE=y
CONFIG_PREEMPT=y
CONFIG_PROVE_LOCKING=y''',
			   qemu_arch='ppc64',
			   kernel_path='vmlinux',
			   kernel_command_line='console=hvc0',
			   extra_qemu_params=['-M', 'pseries', '-cpu', 'power9', '-smp', '4'])
