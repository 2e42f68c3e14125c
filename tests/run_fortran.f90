! run_fortran - a plain Fortran MPI program (the `mpi` module, no BenchFS code) for
! tests/run_fortran.sh: its output under `benchfs-run --servers N` must equal its output in a
! native run. It prints, one line per rank in rank order: the world's size and name, an
! allreduce, the halves of a split, the comparison of the world with its duplicate, whether
! MPI_TAG_UB answers, and (with a path argument) whether every rank read back the integers all
! ranks wrote collectively into one shared file with MPI-IO.
program run_fortran
  use mpi
  implicit none
  integer :: ierr, size, rank, total, dup, cmp, half, hrank, hsize, nlen, r, fh, i
  integer :: mine(8), back(8), ok, allok
  integer(kind=MPI_ADDRESS_KIND) :: tagub
  integer(kind=MPI_OFFSET_KIND) :: off, fsize
  logical :: flag
  character(len=MPI_MAX_OBJECT_NAME) :: name
  character(len=1024) :: path

  call MPI_Init(ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, size, ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_get_name(MPI_COMM_WORLD, name, nlen, ierr)
  call MPI_Allreduce(rank, total, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD, ierr)
  call MPI_Comm_dup(MPI_COMM_WORLD, dup, ierr)
  call MPI_Comm_compare(MPI_COMM_WORLD, dup, cmp, ierr)
  call MPI_Comm_split(MPI_COMM_WORLD, mod(rank, 2), rank, half, ierr)
  call MPI_Comm_rank(half, hrank, ierr)
  call MPI_Comm_size(half, hsize, ierr)
  call MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, tagub, flag, ierr)

  allok = -1
  if (command_argument_count() >= 1) then
    call get_command_argument(1, path)
    do i = 1, 8
      mine(i) = rank * 1000 + i
    end do
    call MPI_File_open(MPI_COMM_WORLD, trim(path), MPI_MODE_CREATE + MPI_MODE_RDWR, &
                       MPI_INFO_NULL, fh, ierr)
    ok = 0
    if (ierr == MPI_SUCCESS) then
      off = int(rank, MPI_OFFSET_KIND) * 32
      call MPI_File_write_at_all(fh, off, mine, 8, MPI_INTEGER, MPI_STATUS_IGNORE, ierr)
      if (ierr == MPI_SUCCESS) call MPI_File_sync(fh, ierr)
      call MPI_Barrier(MPI_COMM_WORLD, ierr)
      ! read the neighbour's integers back
      off = int(mod(rank + 1, size), MPI_OFFSET_KIND) * 32
      call MPI_File_read_at_all(fh, off, back, 8, MPI_INTEGER, MPI_STATUS_IGNORE, ierr)
      call MPI_File_get_size(fh, fsize, ierr)
      call MPI_File_close(fh, ierr)
      ok = 1
      do i = 1, 8
        if (back(i) /= mod(rank + 1, size) * 1000 + i) ok = 0
      end do
      if (fsize /= int(size, MPI_OFFSET_KIND) * 32) ok = 0
    end if
    call MPI_Allreduce(ok, allok, 1, MPI_INTEGER, MPI_MIN, MPI_COMM_WORLD, ierr)
  end if

  do r = 0, size - 1
    if (r == rank) then
      write (*, '(A,I0,A,I0,A,A,A,I0,A,L1,A,I0,A,I0,A,L1,A,I0)') 'mpi rank ', rank, '/', size, &
        ' name=', name(1:nlen), ' sum=', total, ' congruent=', cmp == MPI_CONGRUENT, &
        ' half=', hrank, '/', hsize, ' tag_ub=', flag, ' mpiio=', allok
      flush (6)
    end if
    call MPI_Barrier(MPI_COMM_WORLD, ierr)
  end do
  call MPI_Comm_free(dup, ierr)
  call MPI_Comm_free(half, ierr)
  call MPI_Finalize(ierr)
end program run_fortran
