# kunit.py --qemu_config for a little-endian ppc64 pseries (POWER9) kernel; scripts/ppcdebug.sh
# builds it with configs/kasan.kunitconfig (ppc64le-kasan) to try KASAN on little-endian, since
# the big-endian KASAN kernel hangs at boot under qemu. On 2026-12-07 (qemu 7.2, Linux 7.3.4) it
# hung the same way, base and series alike; KASAN on Book3S-64 works under the radix MMU only,
# and the boots use radix.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC64=y
CONFIG_CPU_LITTLE_ENDIAN=y
CONFIG_PPC_PSERIES=y
CONFIG_PPC_RADIX_MMU=y
CONFIG_PPC_64S_HASH_MMU=y
CONFIG_HVC_CONSOLE=y
CONFIG_PREEMPT=y''',
			   qemu_arch='ppc64',
			   kernel_path='vmlinux',
			   kernel_command_line='console=hvc0',
			   extra_qemu_params=['-M', 'pseries', '-cpu', 'power9', '-smp', '4'])
